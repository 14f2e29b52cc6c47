<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
  <context>
    <name>Attachments</name>
    <message>
      <source>%1 MB</source>
      <translation>%1 MB</translation>
    </message>
    <message>
      <source>%1 KB</source>
      <translation>%1 KB</translation>
    </message>
    <message>
      <source>Waiting to upload</source>
      <translation>Waiting to upload</translation>
    </message>
    <message>
      <source>File</source>
      <translation>File</translation>
    </message>
    <message>
      <source>Add file…</source>
      <translation>Add file…</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>Open</translation>
    </message>
    <message>
      <source>Rename…</source>
      <translation>Rename…</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>Delete</translation>
    </message>
    <message>
      <source>Attached files</source>
      <translation>Attached files</translation>
    </message>
    <message>
      <source>Drop files here or paste an image. Photos, PDFs and office documents.</source>
      <translation>Drop files here or paste an image. Photos, PDFs and office documents.</translation>
    </message>
    <message>
      <source>Attach files</source>
      <translation>Attach files</translation>
    </message>
    <message>
      <source>File not attached: %1</source>
      <translation>File not attached: %1</translation>
    </message>
    <message>
      <source>Pasted image</source>
      <translation>Pasted image</translation>
    </message>
    <message>
      <source>Downloading…</source>
      <translation>Downloading…</translation>
    </message>
    <message>
      <source>The file cannot be downloaded now; open it again once the laptop is online.</source>
      <translation>The file cannot be downloaded now; open it again once the laptop is online.</translation>
    </message>
    <message>
      <source>Rename file</source>
      <translation>Rename file</translation>
    </message>
    <message>
      <source>File name</source>
      <translation>File name</translation>
    </message>
    <message>
      <source>Delete %1 for everyone?</source>
      <translation>Delete %1 for everyone?</translation>
    </message>
    <message>
      <source>Delete file</source>
      <translation>Delete file</translation>
    </message>
  </context>
  <context>
    <name>Bulletins</name>
    <message>
      <source>confirmed %1</source>
      <translation>confirmed %1</translation>
    </message>
    <message>
      <source>read %1, not confirmed</source>
      <translation>read %1, not confirmed</translation>
    </message>
    <message>
      <source>not seen yet — last sync %1 days ago</source>
      <translation>not seen yet — last sync %1 days ago</translation>
    </message>
    <message>
      <source>not seen yet — last sync yesterday</source>
      <translation>not seen yet — last sync yesterday</translation>
    </message>
    <message>
      <source>not seen yet — last sync %1</source>
      <translation>not seen yet — last sync %1</translation>
    </message>
    <message>
      <source>not seen yet — never synced</source>
      <translation>not seen yet — never synced</translation>
    </message>
    <message>
      <source>Person</source>
      <translation>Person</translation>
    </message>
    <message>
      <source>Territory</source>
      <translation>Territory</translation>
    </message>
    <message>
      <source>Read and confirmed</source>
      <translation>Read and confirmed</translation>
    </message>
    <message>
      <source>Documents of the bulletin</source>
      <translation>Documents of the bulletin</translation>
    </message>
    <message>
      <source>Read and &amp;understood</source>
      <translation>Read and &amp;understood</translation>
    </message>
    <message>
      <source>&amp;Correct…</source>
      <translation>&amp;Correct…</translation>
    </message>
    <message>
      <source>&amp;Delete</source>
      <translation>&amp;Delete</translation>
    </message>
    <message>
      <source>Who has read it</source>
      <translation>Who has read it</translation>
    </message>
    <message>
      <source>Questions and answers</source>
      <translation>Questions and answers</translation>
    </message>
    <message>
      <source>Ask a question or answer one…</source>
      <translation>Ask a question or answer one…</translation>
    </message>
    <message>
      <source>&amp;Send</source>
      <translation>&amp;Send</translation>
    </message>
    <message>
      <source>the whole area</source>
      <translation>the whole area</translation>
    </message>
    <message>
      <source>From %1, %2 — to %3</source>
      <translation>From %1, %2 — to %3</translation>
    </message>
    <message>
      <source>%1 — %2 — %3</source>
      <translation>%1 — %2 — %3</translation>
    </message>
    <message>
      <source>You confirmed it %1.</source>
      <translation>You confirmed it %1.</translation>
    </message>
    <message>
      <source>Please confirm by %1.</source>
      <translation>Please confirm by %1.</translation>
    </message>
    <message>
      <source>Readers are asked to confirm by %1.</source>
      <translation>Readers are asked to confirm by %1.</translation>
    </message>
    <message>
      <source>Delete bulletin</source>
      <translation>Delete bulletin</translation>
    </message>
    <message>
      <source>Delete the bulletin “%1”? It disappears from every laptop it reached.</source>
      <translation>Delete the bulletin “%1”? It disappears from every laptop it reached.</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>Delete</translation>
    </message>
    <message>
      <source>New bulletin</source>
      <translation>New bulletin</translation>
    </message>
    <message>
      <source>Correct bulletin</source>
      <translation>Correct bulletin</translation>
    </message>
    <message>
      <source>Simple formatting: **bold**, *italic*, - lists</source>
      <translation>Simple formatting: **bold**, *italic*, - lists</translation>
    </message>
    <message>
      <source>The whole area</source>
      <translation>The whole area</translation>
    </message>
    <message>
      <source>Chosen territories and reps:</source>
      <translation>Chosen territories and reps:</translation>
    </message>
    <message>
      <source>Ask to confirm by</source>
      <translation>Ask to confirm by</translation>
    </message>
    <message>
      <source>&amp;Attach document…</source>
      <translation>&amp;Attach document…</translation>
    </message>
    <message>
      <source>Title:</source>
      <translation>Title:</translation>
    </message>
    <message>
      <source>Text:</source>
      <translation>Text:</translation>
    </message>
    <message>
      <source>To:</source>
      <translation>To:</translation>
    </message>
    <message>
      <source>Documents:</source>
      <translation>Documents:</translation>
    </message>
    <message>
      <source>&amp;Post</source>
      <translation>&amp;Post</translation>
    </message>
    <message>
      <source>&amp;Save</source>
      <translation>&amp;Save</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <source>Territory %1</source>
      <translation>Territory %1</translation>
    </message>
    <message>
      <source>Attach document</source>
      <translation>Attach document</translation>
    </message>
    <message>
      <source>Give the bulletin a title.</source>
      <translation>Give the bulletin a title.</translation>
    </message>
    <message>
      <source>Not posted: %1</source>
      <translation>Not posted: %1</translation>
    </message>
    <message>
      <source>Not saved: %1</source>
      <translation>Not saved: %1</translation>
    </message>
  </context>
  <context>
    <name>Connections</name>
    <message>
      <source>reports to / manages</source>
      <translation>reports to / manages</translation>
    </message>
    <message>
      <source>is assistant of / has as assistant</source>
      <translation>is assistant of / has as assistant</translation>
    </message>
    <message>
      <source>colleague</source>
      <translation>colleague</translation>
    </message>
    <message>
      <source>decides for / is decided for by</source>
      <translation>decides for / is decided for by</translation>
    </message>
    <message>
      <source>influences / is influenced by</source>
      <translation>influences / is influenced by</translation>
    </message>
    <message>
      <source>other (name it)</source>
      <translation>other (name it)</translation>
    </message>
    <message>
      <source>Could not save: %1</source>
      <translation>Could not save: %1</translation>
    </message>
    <message>
      <source>New relationship</source>
      <translation>New relationship</translation>
    </message>
    <message>
      <source>&amp;Person:</source>
      <translation>&amp;Person:</translation>
    </message>
    <message>
      <source>&amp;Relationship:</source>
      <translation>&amp;Relationship:</translation>
    </message>
    <message>
      <source>&amp;To:</source>
      <translation>&amp;To:</translation>
    </message>
    <message>
      <source>&amp;Name (other):</source>
      <translation>&amp;Name (other):</translation>
    </message>
    <message>
      <source>Name the &amp;other way:</source>
      <translation>Name the &amp;other way:</translation>
    </message>
    <message>
      <source>N&amp;ote:</source>
      <translation>N&amp;ote:</translation>
    </message>
    <message>
      <source>I know this person</source>
      <translation>I know this person</translation>
    </message>
    <message>
      <source>1 = met once, 5 = know each other well</source>
      <translation>1 = met once, 5 = know each other well</translation>
    </message>
    <message>
      <source>How &amp;well (1–5):</source>
      <translation>How &amp;well (1–5):</translation>
    </message>
    <message>
      <source>&amp;Since:</source>
      <translation>&amp;Since:</translation>
    </message>
    <message>
      <source>Add &amp;relationship…</source>
      <translation>Add &amp;relationship…</translation>
    </message>
    <message>
      <source>I &amp;know someone here…</source>
      <translation>I &amp;know someone here…</translation>
    </message>
    <message>
      <source>&amp;Export map as PNG…</source>
      <translation>&amp;Export map as PNG…</translation>
    </message>
    <message>
      <source>&amp;Fit to window</source>
      <translation>&amp;Fit to window</translation>
    </message>
    <message>
      <source>Handover summary</source>
      <translation>Handover summary</translation>
    </message>
    <message>
      <source>&amp;Mark handover as read</source>
      <translation>&amp;Mark handover as read</translation>
    </message>
    <message>
      <source>Handover note for the new owner…</source>
      <translation>Handover note for the new owner…</translation>
    </message>
    <message>
      <source>Save handover &amp;note</source>
      <translation>Save handover &amp;note</translation>
    </message>
    <message>
      <source>Not saved</source>
      <translation>Not saved</translation>
    </message>
    <message>
      <source>Export map</source>
      <translation>Export map</translation>
    </message>
    <message>
      <source>PNG images (*.png)</source>
      <translation>PNG images (*.png)</translation>
    </message>
    <message>
      <source>From %1 to %2</source>
      <translation>From %1 to %2</translation>
    </message>
    <message>
      <source>Handover: %1</source>
      <translation>Handover: %1</translation>
    </message>
    <message>
      <source>Note from the previous owner</source>
      <translation>Note from the previous owner</translation>
    </message>
    <message>
      <source>People</source>
      <translation>People</translation>
    </message>
    <message>
      <source>last contact %1</source>
      <translation>last contact %1</translation>
    </message>
    <message>
      <source>no contact yet</source>
      <translation>no contact yet</translation>
    </message>
    <message>
      <source>How they relate</source>
      <translation>How they relate</translation>
    </message>
    <message>
      <source>Who in the team knows whom</source>
      <translation>Who in the team knows whom</translation>
    </message>
    <message>
      <source>Last visits</source>
      <translation>Last visits</translation>
    </message>
    <message>
      <source>Open follow-ups</source>
      <translation>Open follow-ups</translation>
    </message>
    <message>
      <source>never</source>
      <translation>never</translation>
    </message>
    <message>
      <source>%1 (customer)</source>
      <translation>%1 (customer)</translation>
    </message>
    <message>
      <source>Who</source>
      <translation>Who</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>Customer</translation>
    </message>
    <message>
      <source>Every (days)</source>
      <translation>Every (days)</translation>
    </message>
    <message>
      <source>Last contact</source>
      <translation>Last contact</translation>
    </message>
    <message>
      <source>Days over</source>
      <translation>Days over</translation>
    </message>
    <message>
      <source>People and customers</source>
      <translation>People and customers</translation>
    </message>
    <message>
      <source>Customers</source>
      <translation>Customers</translation>
    </message>
    <message>
      <source>Show</source>
      <translation>Show</translation>
    </message>
    <message>
      <source>Losing touch</source>
      <translation>Losing touch</translation>
    </message>
    <message>
      <source>%1 — the %2 longest overdue of %3</source>
      <translation>%1 — the %2 longest overdue of %3</translation>
    </message>
  </context>
  <context>
    <name>ContactImport</name>
    <message>
      <source>The file is too large (at most 5 MB).</source>
      <translation>The file is too large (at most 5 MB).</translation>
    </message>
    <message>
      <source>The first line names no column for the last name (e.g. “Last name” or “Nachname”).</source>
      <translation>The first line names no column for the last name (e.g. “Last name” or “Nachname”).</translation>
    </message>
    <message>
      <source>The file is empty.</source>
      <translation>The file is empty.</translation>
    </message>
    <message>
      <source>The file holds no contacts.</source>
      <translation>The file holds no contacts.</translation>
    </message>
    <message>
      <source>The file holds no vCard.</source>
      <translation>The file holds no vCard.</translation>
    </message>
    <message>
      <source>The file is not a readable vCard file.</source>
      <translation>The file is not a readable vCard file.</translation>
    </message>
    <message>
      <source>The file is not a text file.</source>
      <translation>The file is not a text file.</translation>
    </message>
    <message>
      <source>Looks like %1</source>
      <translation>Looks like %1</translation>
    </message>
    <message>
      <source>Line</source>
      <translation>Line</translation>
    </message>
    <message>
      <source>Problem</source>
      <translation>Problem</translation>
    </message>
    <message>
      <source>Import contacts into %1</source>
      <translation>Import contacts into %1</translation>
    </message>
    <message>
      <source>Choose &amp;file…</source>
      <translation>Choose &amp;file…</translation>
    </message>
    <message>
      <source>A CSV file with a header line, or vCards (.vcf).</source>
      <translation>A CSV file with a header line, or vCards (.vcf).</translation>
    </message>
    <message>
      <source>Also import contacts that look like existing ones</source>
      <translation>Also import contacts that look like existing ones</translation>
    </message>
    <message>
      <source>&amp;Import</source>
      <translation>&amp;Import</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <source>Contacts file</source>
      <translation>Contacts file</translation>
    </message>
    <message>
      <source>Contacts (*.csv *.vcf *.txt);;All files (*)</source>
      <translation>Contacts (*.csv *.vcf *.txt);;All files (*)</translation>
    </message>
    <message>
      <source>The file cannot be read: %1</source>
      <translation>The file cannot be read: %1</translation>
    </message>
    <message>
      <source>The file cannot be read.</source>
      <translation>The file cannot be read.</translation>
    </message>
    <message>
      <source>%1 contacts will be imported; %2 lines have errors and are left out; %3 look like existing contacts.</source>
      <translation>%1 contacts will be imported; %2 lines have errors and are left out; %3 look like existing contacts.</translation>
    </message>
  </context>
  <context>
    <name>CorrectionDialogs</name>
    <message>
      <source>Only a planned visit can be cancelled; a visit that took place cannot be moved.</source>
      <translation>Only a planned visit can be cancelled; a visit that took place cannot be moved.</translation>
    </message>
    <message>
      <source>This record no longer exists (deleted, perhaps on another laptop).</source>
      <translation>This record no longer exists (deleted, perhaps on another laptop).</translation>
    </message>
    <message>
      <source>This follow-up no longer exists.</source>
      <translation>This follow-up no longer exists.</translation>
    </message>
    <message>
      <source>This follow-up is done already.</source>
      <translation>This follow-up is done already.</translation>
    </message>
    <message>
      <source>Only the person who wrote it can change it.</source>
      <translation>Only the person who wrote it can change it.</translation>
    </message>
    <message>
      <source>Edit contact</source>
      <translation>Edit contact</translation>
    </message>
    <message>
      <source>Edit note</source>
      <translation>Edit note</translation>
    </message>
    <message>
      <source>Edit follow-up</source>
      <translation>Edit follow-up</translation>
    </message>
    <message>
      <source>Ask someone to do something</source>
      <translation>Ask someone to do something</translation>
    </message>
    <message>
      <source>Cancel the visit: %1</source>
      <translation>Cancel the visit: %1</translation>
    </message>
    <message>
      <source>Cancel the visit</source>
      <translation>Cancel the visit</translation>
    </message>
    <message>
      <source>Move the visit</source>
      <translation>Move the visit</translation>
    </message>
    <message>
      <source>Decline: %1</source>
      <translation>Decline: %1</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>Delete</translation>
    </message>
    <message>
      <source>Delete %1? You can undo it (Ctrl+Z) or restore it from the trash.</source>
      <translation>Delete %1? You can undo it (Ctrl+Z) or restore it from the trash.</translation>
    </message>
  </context>
  <context>
    <name>CustomerCorrections</name>
    <message>
      <source>Edit…</source>
      <translation>Edit…</translation>
    </message>
    <message>
      <source>Edit the selected note, visit, contact or follow-up</source>
      <translation>Edit the selected note, visit, contact or follow-up</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>Delete</translation>
    </message>
    <message>
      <source>Cancel visit…</source>
      <translation>Cancel visit…</translation>
    </message>
    <message>
      <source>Ask someone…</source>
      <translation>Ask someone…</translation>
    </message>
    <message>
      <source>Ask a teammate or a rep of your area to do something</source>
      <translation>Ask a teammate or a rep of your area to do something</translation>
    </message>
    <message>
      <source>this contact (its relationships go with it)</source>
      <translation>this contact (its relationships go with it)</translation>
    </message>
    <message>
      <source>this note</source>
      <translation>this note</translation>
    </message>
    <message>
      <source>this visit (its feedback goes with it)</source>
      <translation>this visit (its feedback goes with it)</translation>
    </message>
    <message>
      <source>this follow-up</source>
      <translation>this follow-up</translation>
    </message>
    <message>
      <source>Choose a planned visit on the timeline first.</source>
      <translation>Choose a planned visit on the timeline first.</translation>
    </message>
  </context>
  <context>
    <name>CustomerModel</name>
    <message>
      <source>Number</source>
      <translation>Number</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>Name</translation>
    </message>
    <message>
      <source>City</source>
      <translation>City</translation>
    </message>
    <message>
      <source>Territory</source>
      <translation>Territory</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Segment</source>
      <translation>Segment</translation>
    </message>
    <message>
      <source>Last visit</source>
      <translation>Last visit</translation>
    </message>
  </context>
  <context>
    <name>Dialogs</name>
    <message>
      <source>Edit customer</source>
      <translation>Edit customer</translation>
    </message>
    <message>
      <source>New customer</source>
      <translation>New customer</translation>
    </message>
    <message>
      <source>New contact</source>
      <translation>New contact</translation>
    </message>
    <message>
      <source>New note</source>
      <translation>New note</translation>
    </message>
    <message>
      <source>New follow-up</source>
      <translation>New follow-up</translation>
    </message>
    <message>
      <source>Plan a visit: %1</source>
      <translation>Plan a visit: %1</translation>
    </message>
    <message>
      <source>I know when the visit really took place</source>
      <translation>I know when the visit really took place</translation>
    </message>
    <message>
      <source>Not checked in: without the real times the visit keeps no duration.</source>
      <translation>Not checked in: without the real times the visit keeps no duration.</translation>
    </message>
    <message>
      <source>Began:</source>
      <translation>Began:</translation>
    </message>
    <message>
      <source>Ended:</source>
      <translation>Ended:</translation>
    </message>
    <message>
      <source>Attending contacts</source>
      <translation>Attending contacts</translation>
    </message>
    <message>
      <source>Create a follow-up from the next steps</source>
      <translation>Create a follow-up from the next steps</translation>
    </message>
    <message>
      <source>Follow-up title</source>
      <translation>Follow-up title</translation>
    </message>
    <message>
      <source>Follow-up due date</source>
      <translation>Follow-up due date</translation>
    </message>
    <message>
      <source>Follow-up title:</source>
      <translation>Follow-up title:</translation>
    </message>
    <message>
      <source>Due:</source>
      <translation>Due:</translation>
    </message>
    <message>
      <source>Visit report: %1</source>
      <translation>Visit report: %1</translation>
    </message>
  </context>
  <context>
    <name>Duplicates</name>
    <message>
      <source>Same phone number</source>
      <translation>Same phone number</translation>
    </message>
    <message>
      <source>Same e-mail address</source>
      <translation>Same e-mail address</translation>
    </message>
    <message>
      <source>Similar name</source>
      <translation>Similar name</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>Name</translation>
    </message>
    <message>
      <source>Where</source>
      <translation>Where</translation>
    </message>
    <message>
      <source>Why</source>
      <translation>Why</translation>
    </message>
    <message>
      <source>This customer may exist already</source>
      <translation>This customer may exist already</translation>
    </message>
    <message>
      <source>A customer like this is on this laptop already. Open it instead?</source>
      <translation>A customer like this is on this laptop already. Open it instead?</translation>
    </message>
    <message>
      <source>This contact may exist already</source>
      <translation>This contact may exist already</translation>
    </message>
    <message>
      <source>A contact like this is on this laptop already. Open it instead?</source>
      <translation>A contact like this is on this laptop already. Open it instead?</translation>
    </message>
    <message>
      <source>&amp;Open existing</source>
      <translation>&amp;Open existing</translation>
    </message>
    <message>
      <source>&amp;Save as new</source>
      <translation>&amp;Save as new</translation>
    </message>
    <message>
      <source>&amp;Back</source>
      <translation>&amp;Back</translation>
    </message>
  </context>
  <context>
    <name>EditMenu</name>
    <message>
      <source>New customer</source>
      <translation>New customer</translation>
    </message>
    <message>
      <source>Edit customer</source>
      <translation>Edit customer</translation>
    </message>
    <message>
      <source>Delete customer</source>
      <translation>Delete customer</translation>
    </message>
    <message>
      <source>New contact</source>
      <translation>New contact</translation>
    </message>
    <message>
      <source>Edit contact</source>
      <translation>Edit contact</translation>
    </message>
    <message>
      <source>Delete contact</source>
      <translation>Delete contact</translation>
    </message>
    <message>
      <source>New note</source>
      <translation>New note</translation>
    </message>
    <message>
      <source>Edit note</source>
      <translation>Edit note</translation>
    </message>
    <message>
      <source>Delete note</source>
      <translation>Delete note</translation>
    </message>
    <message>
      <source>New follow-up</source>
      <translation>New follow-up</translation>
    </message>
    <message>
      <source>Edit follow-up</source>
      <translation>Edit follow-up</translation>
    </message>
    <message>
      <source>Delete follow-up</source>
      <translation>Delete follow-up</translation>
    </message>
    <message>
      <source>Mark follow-up done</source>
      <translation>Mark follow-up done</translation>
    </message>
    <message>
      <source>Ask someone</source>
      <translation>Ask someone</translation>
    </message>
    <message>
      <source>Plan visit</source>
      <translation>Plan visit</translation>
    </message>
    <message>
      <source>Check in</source>
      <translation>Check in</translation>
    </message>
    <message>
      <source>Cancel visit</source>
      <translation>Cancel visit</translation>
    </message>
    <message>
      <source>Move visit</source>
      <translation>Move visit</translation>
    </message>
    <message>
      <source>Correct report</source>
      <translation>Correct report</translation>
    </message>
    <message>
      <source>Delete visit</source>
      <translation>Delete visit</translation>
    </message>
    <message>
      <source>Edit relationship</source>
      <translation>Edit relationship</translation>
    </message>
    <message>
      <source>Delete relationship</source>
      <translation>Delete relationship</translation>
    </message>
    <message>
      <source>Withdraw "I know this person"</source>
      <translation>Withdraw "I know this person"</translation>
    </message>
    <message>
      <source>Attach file</source>
      <translation>Attach file</translation>
    </message>
    <message>
      <source>Rename file</source>
      <translation>Rename file</translation>
    </message>
    <message>
      <source>Delete file</source>
      <translation>Delete file</translation>
    </message>
    <message>
      <source>Restore</source>
      <translation>Restore</translation>
    </message>
    <message>
      <source>Could not undo: %1</source>
      <translation>Could not undo: %1</translation>
    </message>
    <message>
      <source>&amp;Edit</source>
      <translation>&amp;Edit</translation>
    </message>
    <message>
      <source>Edit</source>
      <translation>Edit</translation>
    </message>
    <message>
      <source>&amp;Undo %1</source>
      <translation>&amp;Undo %1</translation>
    </message>
    <message>
      <source>&amp;Undo</source>
      <translation>&amp;Undo</translation>
    </message>
    <message>
      <source>&amp;Trash</source>
      <translation>&amp;Trash</translation>
    </message>
  </context>
  <context>
    <name>FeedbackModel</name>
    <message>
      <source>Feedback</source>
      <translation>Feedback</translation>
    </message>
    <message>
      <source>on the visit at %1 (%2)</source>
      <translation>on the visit at %1 (%2)</translation>
    </message>
    <message>
      <source>acknowledged the report</source>
      <translation>acknowledged the report</translation>
    </message>
  </context>
  <context>
    <name>FeedbackThread</name>
    <message>
      <source>Feedback on this visit report</source>
      <translation>Feedback on this visit report</translation>
    </message>
    <message>
      <source>Write a comment or a reply…</source>
      <translation>Write a comment or a reply…</translation>
    </message>
    <message>
      <source>Comment</source>
      <translation>Comment</translation>
    </message>
    <message>
      <source>&amp;Send</source>
      <translation>&amp;Send</translation>
    </message>
    <message>
      <source>&amp;Acknowledge report</source>
      <translation>&amp;Acknowledge report</translation>
    </message>
    <message>
      <source>Choose a visit report to see its feedback.</source>
      <translation>Choose a visit report to see its feedback.</translation>
    </message>
    <message>
      <source>Visit at %1 on %2</source>
      <translation>Visit at %1 on %2</translation>
    </message>
    <message>
      <source>No report written yet.</source>
      <translation>No report written yet.</translation>
    </message>
    <message>
      <source>Write something first.</source>
      <translation>Write something first.</translation>
    </message>
    <message>
      <source>Could not save: %1</source>
      <translation>Could not save: %1</translation>
    </message>
  </context>
  <context>
    <name>Fields</name>
    <message>
      <source>Number</source>
      <translation>Number</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>Name</translation>
    </message>
    <message>
      <source>Street</source>
      <translation>Street</translation>
    </message>
    <message>
      <source>Postal code</source>
      <translation>Postal code</translation>
    </message>
    <message>
      <source>City</source>
      <translation>City</translation>
    </message>
    <message>
      <source>Country</source>
      <translation>Country</translation>
    </message>
    <message>
      <source>Phone</source>
      <translation>Phone</translation>
    </message>
    <message>
      <source>Mobile</source>
      <translation>Mobile</translation>
    </message>
    <message>
      <source>E-mail</source>
      <translation>E-mail</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Segment</source>
      <translation>Segment</translation>
    </message>
    <message>
      <source>Visit every (days)</source>
      <translation>Visit every (days)</translation>
    </message>
    <message>
      <source>First name</source>
      <translation>First name</translation>
    </message>
    <message>
      <source>Last name</source>
      <translation>Last name</translation>
    </message>
    <message>
      <source>Job title</source>
      <translation>Job title</translation>
    </message>
    <message>
      <source>Planned start</source>
      <translation>Planned start</translation>
    </message>
    <message>
      <source>Planned end</source>
      <translation>Planned end</translation>
    </message>
    <message>
      <source>Checked in</source>
      <translation>Checked in</translation>
    </message>
    <message>
      <source>Checked out</source>
      <translation>Checked out</translation>
    </message>
    <message>
      <source>Channel</source>
      <translation>Channel</translation>
    </message>
    <message>
      <source>Purpose</source>
      <translation>Purpose</translation>
    </message>
    <message>
      <source>Outcome</source>
      <translation>Outcome</translation>
    </message>
    <message>
      <source>Report</source>
      <translation>Report</translation>
    </message>
    <message>
      <source>Next steps</source>
      <translation>Next steps</translation>
    </message>
    <message>
      <source>Attending contacts</source>
      <translation>Attending contacts</translation>
    </message>
    <message>
      <source>Fixed time</source>
      <translation>Fixed time</translation>
    </message>
    <message>
      <source>Text</source>
      <translation>Text</translation>
    </message>
    <message>
      <source>Title</source>
      <translation>Title</translation>
    </message>
    <message>
      <source>Due date</source>
      <translation>Due date</translation>
    </message>
    <message>
      <source>Done at</source>
      <translation>Done at</translation>
    </message>
    <message>
      <source>Who does it</source>
      <translation>Who does it</translation>
    </message>
    <message>
      <source>Why cancelled</source>
      <translation>Why cancelled</translation>
    </message>
    <message>
      <source>Reason</source>
      <translation>Reason</translation>
    </message>
  </context>
  <context>
    <name>Forms</name>
    <message>
      <source>Unsaved changes</source>
      <translation>Unsaved changes</translation>
    </message>
    <message>
      <source>You have unsaved changes. Discard them?</source>
      <translation>You have unsaved changes. Discard them?</translation>
    </message>
    <message>
      <source>Discard</source>
      <translation>Discard</translation>
    </message>
    <message>
      <source>Keep editing</source>
      <translation>Keep editing</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
  </context>
  <context>
    <name>Inbox</name>
    <message>
      <source>Bulletin</source>
      <translation>Bulletin</translation>
    </message>
    <message>
      <source>Request</source>
      <translation>Request</translation>
    </message>
    <message>
      <source>Answer to your request</source>
      <translation>Answer to your request</translation>
    </message>
    <message>
      <source>Feedback</source>
      <translation>Feedback</translation>
    </message>
    <message>
      <source>Question or answer</source>
      <translation>Question or answer</translation>
    </message>
    <message>
      <source>All</source>
      <translation>All</translation>
    </message>
    <message>
      <source>Bulletins</source>
      <translation>Bulletins</translation>
    </message>
    <message>
      <source>Requests and answers</source>
      <translation>Requests and answers</translation>
    </message>
    <message>
      <source>Feedback on reports</source>
      <translation>Feedback on reports</translation>
    </message>
    <message>
      <source>Questions and answers</source>
      <translation>Questions and answers</translation>
    </message>
    <message>
      <source>(please confirm by %1)</source>
      <translation>(please confirm by %1)</translation>
    </message>
    <message>
      <source>Inbox</source>
      <translation>Inbox</translation>
    </message>
    <message>
      <source>Show</source>
      <translation>Show</translation>
    </message>
    <message>
      <source>&amp;Unread only</source>
      <translation>&amp;Unread only</translation>
    </message>
    <message>
      <source>Nothing here.</source>
      <translation>Nothing here.</translation>
    </message>
    <message>
      <source>Mark feedback and questions as &amp;read</source>
      <translation>Mark feedback and questions as &amp;read</translation>
    </message>
    <message>
      <source>Inbox — %1 unread</source>
      <translation>Inbox — %1 unread</translation>
    </message>
    <message>
      <source>&amp;Accept</source>
      <translation>&amp;Accept</translation>
    </message>
    <message>
      <source>&amp;Decline…</source>
      <translation>&amp;Decline…</translation>
    </message>
    <message>
      <source>D&amp;one</source>
      <translation>D&amp;one</translation>
    </message>
    <message>
      <source>Customer: %1</source>
      <translation>Customer: %1</translation>
    </message>
    <message>
      <source>Due: %1</source>
      <translation>Due: %1</translation>
    </message>
    <message>
      <source>Asked by %1 of %2</source>
      <translation>Asked by %1 of %2</translation>
    </message>
    <message>
      <source>Answer: %1</source>
      <translation>Answer: %1</translation>
    </message>
    <message>
      <source>Could not answer: %1</source>
      <translation>Could not answer: %1</translation>
    </message>
  </context>
  <context>
    <name>InboxPage</name>
    <message>
      <source>Inbox</source>
      <translation>Inbox</translation>
    </message>
    <message>
      <source>Documents shelf</source>
      <translation>Documents shelf</translation>
    </message>
    <message>
      <source>Choose something from the inbox.</source>
      <translation>Choose something from the inbox.</translation>
    </message>
    <message>
      <source>&amp;New bulletin…</source>
      <translation>&amp;New bulletin…</translation>
    </message>
  </context>
  <context>
    <name>Labels</name>
    <message>
      <source>Prospect</source>
      <translation>Prospect</translation>
    </message>
    <message>
      <source>Active</source>
      <translation>Active</translation>
    </message>
    <message>
      <source>Inactive</source>
      <translation>Inactive</translation>
    </message>
    <message>
      <source>Planned</source>
      <translation>Planned</translation>
    </message>
    <message>
      <source>Done</source>
      <translation>Done</translation>
    </message>
    <message>
      <source>Cancelled</source>
      <translation>Cancelled</translation>
    </message>
    <message>
      <source>In person</source>
      <translation>In person</translation>
    </message>
    <message>
      <source>Phone</source>
      <translation>Phone</translation>
    </message>
    <message>
      <source>Video call</source>
      <translation>Video call</translation>
    </message>
    <message>
      <source>Order</source>
      <translation>Order</translation>
    </message>
    <message>
      <source>Opportunity</source>
      <translation>Opportunity</translation>
    </message>
    <message>
      <source>Information</source>
      <translation>Information</translation>
    </message>
    <message>
      <source>No interest</source>
      <translation>No interest</translation>
    </message>
    <message>
      <source>Not reached</source>
      <translation>Not reached</translation>
    </message>
    <message>
      <source>New record</source>
      <translation>New record</translation>
    </message>
    <message>
      <source>Change</source>
      <translation>Change</translation>
    </message>
    <message>
      <source>Deletion</source>
      <translation>Deletion</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>Customer</translation>
    </message>
    <message>
      <source>Contact</source>
      <translation>Contact</translation>
    </message>
    <message>
      <source>Visit</source>
      <translation>Visit</translation>
    </message>
    <message>
      <source>Note</source>
      <translation>Note</translation>
    </message>
    <message>
      <source>Follow-up</source>
      <translation>Follow-up</translation>
    </message>
    <message>
      <source>Comment</source>
      <translation>Comment</translation>
    </message>
    <message>
      <source>Relationship</source>
      <translation>Relationship</translation>
    </message>
    <message>
      <source>Connection</source>
      <translation>Connection</translation>
    </message>
    <message>
      <source>Handover</source>
      <translation>Handover</translation>
    </message>
    <message>
      <source>Attachment</source>
      <translation>Attachment</translation>
    </message>
    <message>
      <source>Territory</source>
      <translation>Territory</translation>
    </message>
    <message>
      <source>User</source>
      <translation>User</translation>
    </message>
  </context>
  <context>
    <name>LockScreen</name>
    <message>
      <source>FieldCRM is locked</source>
      <translation>FieldCRM is locked</translation>
    </message>
    <message>
      <source>Enter your password to go on.</source>
      <translation>Enter your password to go on.</translation>
    </message>
    <message>
      <source>Password</source>
      <translation>Password</translation>
    </message>
    <message>
      <source>Unlock</source>
      <translation>Unlock</translation>
    </message>
    <message>
      <source>Forgot it? Sign in again</source>
      <translation>Forgot it? Sign in again</translation>
    </message>
    <message>
      <source>Wrong password. Try again, or sign in again.</source>
      <translation>Wrong password. Try again, or sign in again.</translation>
    </message>
  </context>
  <context>
    <name>LoginDialog</name>
    <message>
      <source>Sign in to FieldCRM</source>
      <translation>Sign in to FieldCRM</translation>
    </message>
    <message>
      <source>Sign in once; afterwards FieldCRM also works without a network.</source>
      <translation>Sign in once; afterwards FieldCRM also works without a network.</translation>
    </message>
    <message>
      <source>Server address</source>
      <translation>Server address</translation>
    </message>
    <message>
      <source>Set by your IT department</source>
      <translation>Set by your IT department</translation>
    </message>
    <message>
      <source>User name</source>
      <translation>User name</translation>
    </message>
    <message>
      <source>Password</source>
      <translation>Password</translation>
    </message>
    <message>
      <source>Server:</source>
      <translation>Server:</translation>
    </message>
    <message>
      <source>User name:</source>
      <translation>User name:</translation>
    </message>
    <message>
      <source>Password:</source>
      <translation>Password:</translation>
    </message>
    <message>
      <source>Sign in</source>
      <translation>Sign in</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <source>Please enter the server address, your user name and password.</source>
      <translation>Please enter the server address, your user name and password.</translation>
    </message>
    <message>
      <source>The server cannot be reached. Check the address and your network.</source>
      <translation>The server cannot be reached. Check the address and your network.</translation>
    </message>
    <message>
      <source>Sign-in failed: %1</source>
      <translation>Sign-in failed: %1</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <source>Navigation</source>
      <translation>Navigation</translation>
    </message>
    <message>
      <source>Sync</source>
      <translation>Sync</translation>
    </message>
    <message>
      <source>Sync now (F5)</source>
      <translation>Sync now (F5)</translation>
    </message>
    <message>
      <source>New customer</source>
      <translation>New customer</translation>
    </message>
    <message>
      <source>New customer (Ctrl+N)</source>
      <translation>New customer (Ctrl+N)</translation>
    </message>
    <message>
      <source>New visit</source>
      <translation>New visit</translation>
    </message>
    <message>
      <source>Plan a new visit (Ctrl+Shift+V)</source>
      <translation>Plan a new visit (Ctrl+Shift+V)</translation>
    </message>
    <message>
      <source>New note</source>
      <translation>New note</translation>
    </message>
    <message>
      <source>New note (Ctrl+Shift+N)</source>
      <translation>New note (Ctrl+Shift+N)</translation>
    </message>
    <message>
      <source>Search</source>
      <translation>Search</translation>
    </message>
    <message>
      <source>Search customers (Ctrl+F)</source>
      <translation>Search customers (Ctrl+F)</translation>
    </message>
    <message>
      <source>Settings</source>
      <translation>Settings</translation>
    </message>
    <message>
      <source>About</source>
      <translation>About</translation>
    </message>
    <message>
      <source>FieldCRM and server versions (F1)</source>
      <translation>FieldCRM and server versions (F1)</translation>
    </message>
    <message>
      <source>Sync progress</source>
      <translation>Sync progress</translation>
    </message>
    <message>
      <source>● Not yet synced</source>
      <translation>● Not yet synced</translation>
    </message>
    <message>
      <source>● Online</source>
      <translation>● Online</translation>
    </message>
    <message>
      <source>● Offline</source>
      <translation>● Offline</translation>
    </message>
    <message>
      <source>%1 changes to send</source>
      <translation>%1 changes to send</translation>
    </message>
    <message>
      <source>1 change to send</source>
      <translation>1 change to send</translation>
    </message>
    <message>
      <source>Last sync: %1</source>
      <translation>Last sync: %1</translation>
    </message>
    <message>
      <source>Never synced</source>
      <translation>Never synced</translation>
    </message>
    <message>
      <source>Sync failed: %1</source>
      <translation>Sync failed: %1</translation>
    </message>
    <message>
      <source>Sign in…</source>
      <translation>Sign in…</translation>
    </message>
    <message>
      <source>Sign in to the server again</source>
      <translation>Sign in to the server again</translation>
    </message>
    <message>
      <source>Retry</source>
      <translation>Retry</translation>
    </message>
    <message>
      <source>Retry the sync</source>
      <translation>Retry the sync</translation>
    </message>
    <message>
      <source>Sign-in failed: %1</source>
      <translation>Sign-in failed: %1</translation>
    </message>
    <message>
      <source>FieldCRM {version}</source>
      <translation>FieldCRM {version}</translation>
    </message>
    <message>
      <source>Server: {url}</source>
      <translation>Server: {url}</translation>
    </message>
    <message>
      <source>not configured</source>
      <translation>not configured</translation>
    </message>
    <message>
      <source>Server version: {version}</source>
      <translation>Server version: {version}</translation>
    </message>
    <message>
      <source>not known yet (it is learnt on sync)</source>
      <translation>not known yet (it is learnt on sync)</translation>
    </message>
    <message>
      <source>About FieldCRM</source>
      <translation>About FieldCRM</translation>
    </message>
    <message>
      <source>FieldCRM %1</source>
      <translation>FieldCRM %1</translation>
    </message>
    <message>
      <source>Today</source>
      <translation>Today</translation>
    </message>
    <message>
      <source>Customers</source>
      <translation>Customers</translation>
    </message>
    <message>
      <source>Visits</source>
      <translation>Visits</translation>
    </message>
    <message>
      <source>Route and map</source>
      <translation>Route and map</translation>
    </message>
    <message>
      <source>Inbox (%1)</source>
      <translation>Inbox (%1)</translation>
    </message>
    <message>
      <source>Inbox</source>
      <translation>Inbox</translation>
    </message>
    <message>
      <source>Reports</source>
      <translation>Reports</translation>
    </message>
    <message>
      <source>My area</source>
      <translation>My area</translation>
    </message>
    <message>
      <source>Conflicts (%1)</source>
      <translation>Conflicts (%1)</translation>
    </message>
    <message>
      <source>Conflicts</source>
      <translation>Conflicts</translation>
    </message>
    <message>
      <source>Rejected changes (%1)</source>
      <translation>Rejected changes (%1)</translation>
    </message>
    <message>
      <source>Rejected changes</source>
      <translation>Rejected changes</translation>
    </message>
    <message>
      <source>Trash</source>
      <translation>Trash</translation>
    </message>
  </context>
  <context>
    <name>ManagerView</name>
    <message>
      <source>never synced</source>
      <translation>never synced</translation>
    </message>
    <message>
      <source>Territories and reps</source>
      <translation>Territories and reps</translation>
    </message>
    <message>
      <source>Visit reports to review</source>
      <translation>Visit reports to review</translation>
    </message>
    <message>
      <source>Visit report</source>
      <translation>Visit report</translation>
    </message>
    <message>
      <source>Visit reports</source>
      <translation>Visit reports</translation>
    </message>
    <message>
      <source>Reports</source>
      <translation>Reports</translation>
    </message>
    <message>
      <source>Area</source>
      <translation>Area</translation>
    </message>
    <message>
      <source>Territory / rep</source>
      <translation>Territory / rep</translation>
    </message>
    <message>
      <source>Data as of</source>
      <translation>Data as of</translation>
    </message>
    <message>
      <source>Customers</source>
      <translation>Customers</translation>
    </message>
    <message>
      <source>Done (7 days)</source>
      <translation>Done (7 days)</translation>
    </message>
    <message>
      <source>Planned (7 days)</source>
      <translation>Planned (7 days)</translation>
    </message>
    <message>
      <source>Open follow-ups</source>
      <translation>Open follow-ups</translation>
    </message>
    <message>
      <source>Overdue</source>
      <translation>Overdue</translation>
    </message>
    <message>
      <source>Report</source>
      <translation>Report</translation>
    </message>
    <message>
      <source>Next steps</source>
      <translation>Next steps</translation>
    </message>
  </context>
  <context>
    <name>PeoplePages</name>
    <message>
      <source>Sign in to see this page.</source>
      <translation>Sign in to see this page.</translation>
    </message>
  </context>
  <context>
    <name>RecentReportsModel</name>
    <message>
      <source>Date</source>
      <translation>Date</translation>
    </message>
    <message>
      <source>Rep</source>
      <translation>Rep</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>Customer</translation>
    </message>
    <message>
      <source>Outcome</source>
      <translation>Outcome</translation>
    </message>
    <message>
      <source>Feedback</source>
      <translation>Feedback</translation>
    </message>
    <message>
      <source>acknowledged</source>
      <translation>acknowledged</translation>
    </message>
    <message>
      <source>1 comment</source>
      <translation>1 comment</translation>
    </message>
    <message>
      <source>%1 comments</source>
      <translation>%1 comments</translation>
    </message>
    <message>
      <source>awaiting feedback</source>
      <translation>awaiting feedback</translation>
    </message>
  </context>
  <context>
    <name>RelationshipMap</name>
    <message>
      <source>Relationship map</source>
      <translation>Relationship map</translation>
    </message>
    <message>
      <source>our team</source>
      <translation>our team</translation>
    </message>
    <message>
      <source>%1 knows this person (%2 of 5)</source>
      <translation>%1 knows this person (%2 of 5)</translation>
    </message>
  </context>
  <context>
    <name>Relationships</name>
    <message>
      <source>reports to</source>
      <translation>reports to</translation>
    </message>
    <message>
      <source>manages</source>
      <translation>manages</translation>
    </message>
    <message>
      <source>is assistant of</source>
      <translation>is assistant of</translation>
    </message>
    <message>
      <source>has as assistant</source>
      <translation>has as assistant</translation>
    </message>
    <message>
      <source>is a colleague of</source>
      <translation>is a colleague of</translation>
    </message>
    <message>
      <source>decides for</source>
      <translation>decides for</translation>
    </message>
    <message>
      <source>is decided for by</source>
      <translation>is decided for by</translation>
    </message>
    <message>
      <source>influences</source>
      <translation>influences</translation>
    </message>
    <message>
      <source>is influenced by</source>
      <translation>is influenced by</translation>
    </message>
    <message>
      <source>relates to</source>
      <translation>relates to</translation>
    </message>
  </context>
  <context>
    <name>Reminders</name>
    <message>
      <source>Visit at %1</source>
      <translation>Visit at %1</translation>
    </message>
    <message>
      <source>Follow-up due today</source>
      <translation>Follow-up due today</translation>
    </message>
    <message>
      <source>Remind me again in %1 minutes</source>
      <translation>Remind me again in %1 minutes</translation>
    </message>
    <message>
      <source>%1 reminders</source>
      <translation>%1 reminders</translation>
    </message>
  </context>
  <context>
    <name>Reports</name>
    <message>
      <source>Visits per rep and week</source>
      <translation>Visits per rep and week</translation>
    </message>
    <message>
      <source>Coverage: customers visited within their cadence</source>
      <translation>Coverage: customers visited within their cadence</translation>
    </message>
    <message>
      <source>Overdue customers</source>
      <translation>Overdue customers</translation>
    </message>
    <message>
      <source>Visit outcomes</source>
      <translation>Visit outcomes</translation>
    </message>
    <message>
      <source>Average visit duration</source>
      <translation>Average visit duration</translation>
    </message>
    <message>
      <source>Follow-ups open and overdue</source>
      <translation>Follow-ups open and overdue</translation>
    </message>
    <message>
      <source>Rep</source>
      <translation>Rep</translation>
    </message>
    <message>
      <source>Week</source>
      <translation>Week</translation>
    </message>
    <message>
      <source>Planned</source>
      <translation>Planned</translation>
    </message>
    <message>
      <source>Done</source>
      <translation>Done</translation>
    </message>
    <message>
      <source>Cancelled</source>
      <translation>Cancelled</translation>
    </message>
    <message>
      <source>Total</source>
      <translation>Total</translation>
    </message>
    <message>
      <source>Level</source>
      <translation>Level</translation>
    </message>
    <message>
      <source>Territory or rep</source>
      <translation>Territory or rep</translation>
    </message>
    <message>
      <source>Customers with cadence</source>
      <translation>Customers with cadence</translation>
    </message>
    <message>
      <source>Visited within cadence</source>
      <translation>Visited within cadence</translation>
    </message>
    <message>
      <source>Coverage</source>
      <translation>Coverage</translation>
    </message>
    <message>
      <source>Number</source>
      <translation>Number</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>Customer</translation>
    </message>
    <message>
      <source>City</source>
      <translation>City</translation>
    </message>
    <message>
      <source>Territory</source>
      <translation>Territory</translation>
    </message>
    <message>
      <source>Owner</source>
      <translation>Owner</translation>
    </message>
    <message>
      <source>Cadence (days)</source>
      <translation>Cadence (days)</translation>
    </message>
    <message>
      <source>Last visit</source>
      <translation>Last visit</translation>
    </message>
    <message>
      <source>Days over cadence</source>
      <translation>Days over cadence</translation>
    </message>
    <message>
      <source>Outcome</source>
      <translation>Outcome</translation>
    </message>
    <message>
      <source>Visits</source>
      <translation>Visits</translation>
    </message>
    <message>
      <source>Share</source>
      <translation>Share</translation>
    </message>
    <message>
      <source>Visits with check-in and check-out</source>
      <translation>Visits with check-in and check-out</translation>
    </message>
    <message>
      <source>Over 12 hours (not averaged)</source>
      <translation>Over 12 hours (not averaged)</translation>
    </message>
    <message>
      <source>Average minutes</source>
      <translation>Average minutes</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>Open</translation>
    </message>
    <message>
      <source>Overdue</source>
      <translation>Overdue</translation>
    </message>
    <message>
      <source>Order</source>
      <translation>Order</translation>
    </message>
    <message>
      <source>Opportunity</source>
      <translation>Opportunity</translation>
    </message>
    <message>
      <source>Information</source>
      <translation>Information</translation>
    </message>
    <message>
      <source>No interest</source>
      <translation>No interest</translation>
    </message>
    <message>
      <source>Not reached</source>
      <translation>Not reached</translation>
    </message>
    <message>
      <source>No outcome</source>
      <translation>No outcome</translation>
    </message>
    <message>
      <source>never</source>
      <translation>never</translation>
    </message>
    <message>
      <source>No data for this selection.</source>
      <translation>No data for this selection.</translation>
    </message>
    <message>
      <source>Period: %1 – %2</source>
      <translation>Period: %1 – %2</translation>
    </message>
    <message>
      <source>Filters: %1</source>
      <translation>Filters: %1</translation>
    </message>
    <message>
      <source>none</source>
      <translation>none</translation>
    </message>
    <message>
      <source>Generated: %1</source>
      <translation>Generated: %1</translation>
    </message>
    <message>
      <source>Data as of: %1</source>
      <translation>Data as of: %1</translation>
    </message>
    <message>
      <source>never synced</source>
      <translation>never synced</translation>
    </message>
    <message>
      <source>Page %1 of %2</source>
      <translation>Page %1 of %2</translation>
    </message>
  </context>
  <context>
    <name>ReportsView</name>
    <message>
      <source>Report</source>
      <translation>Report</translation>
    </message>
    <message>
      <source>From</source>
      <translation>From</translation>
    </message>
    <message>
      <source>To</source>
      <translation>To</translation>
    </message>
    <message>
      <source>Territory</source>
      <translation>Territory</translation>
    </message>
    <message>
      <source>Rep</source>
      <translation>Rep</translation>
    </message>
    <message>
      <source>&amp;Report:</source>
      <translation>&amp;Report:</translation>
    </message>
    <message>
      <source>&amp;From:</source>
      <translation>&amp;From:</translation>
    </message>
    <message>
      <source>&amp;To:</source>
      <translation>&amp;To:</translation>
    </message>
    <message>
      <source>Te&amp;rritory:</source>
      <translation>Te&amp;rritory:</translation>
    </message>
    <message>
      <source>R&amp;ep:</source>
      <translation>R&amp;ep:</translation>
    </message>
    <message>
      <source>Export CSV…</source>
      <translation>Export CSV…</translation>
    </message>
    <message>
      <source>Export PDF…</source>
      <translation>Export PDF…</translation>
    </message>
    <message>
      <source>Report table</source>
      <translation>Report table</translation>
    </message>
    <message>
      <source>All territories</source>
      <translation>All territories</translation>
    </message>
    <message>
      <source>All reps</source>
      <translation>All reps</translation>
    </message>
    <message>
      <source>The period ends before it starts.</source>
      <translation>The period ends before it starts.</translation>
    </message>
    <message>
      <source>Data as of %1 (last successful sync)</source>
      <translation>Data as of %1 (last successful sync)</translation>
    </message>
    <message>
      <source>Data as of: never synced — the report shows local data only</source>
      <translation>Data as of: never synced — the report shows local data only</translation>
    </message>
    <message>
      <source>The report could not be computed: %1</source>
      <translation>The report could not be computed: %1</translation>
    </message>
    <message>
      <source>Export CSV (the file is not encrypted)</source>
      <translation>Export CSV (the file is not encrypted)</translation>
    </message>
    <message>
      <source>CSV files (*.csv)</source>
      <translation>CSV files (*.csv)</translation>
    </message>
    <message>
      <source>Export CSV</source>
      <translation>Export CSV</translation>
    </message>
    <message>
      <source>Export PDF (the file is not encrypted)</source>
      <translation>Export PDF (the file is not encrypted)</translation>
    </message>
    <message>
      <source>PDF files (*.pdf)</source>
      <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
      <source>Export PDF</source>
      <translation>Export PDF</translation>
    </message>
  </context>
  <context>
    <name>Requests</name>
    <message>
      <source>done %1</source>
      <translation>done %1</translation>
    </message>
    <message>
      <source>accepted</source>
      <translation>accepted</translation>
    </message>
    <message>
      <source>declined</source>
      <translation>declined</translation>
    </message>
    <message>
      <source>no answer yet</source>
      <translation>no answer yet</translation>
    </message>
    <message>
      <source>Due</source>
      <translation>Due</translation>
    </message>
    <message>
      <source>What</source>
      <translation>What</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>Customer</translation>
    </message>
    <message>
      <source>Asked by</source>
      <translation>Asked by</translation>
    </message>
    <message>
      <source>Your answer</source>
      <translation>Your answer</translation>
    </message>
    <message>
      <source>Asked of</source>
      <translation>Asked of</translation>
    </message>
    <message>
      <source>Answer</source>
      <translation>Answer</translation>
    </message>
    <message>
      <source>Asked of you</source>
      <translation>Asked of you</translation>
    </message>
    <message>
      <source>Answers to your requests</source>
      <translation>Answers to your requests</translation>
    </message>
    <message>
      <source>Accept</source>
      <translation>Accept</translation>
    </message>
    <message>
      <source>Decline…</source>
      <translation>Decline…</translation>
    </message>
    <message>
      <source>Done</source>
      <translation>Done</translation>
    </message>
    <message>
      <source>Could not answer: %1</source>
      <translation>Could not answer: %1</translation>
    </message>
  </context>
  <context>
    <name>Road</name>
    <message>
      <source>%1 km</source>
      <translation>%1 km</translation>
    </message>
    <message>
      <source>#</source>
      <translation>#</translation>
    </message>
    <message>
      <source>Time</source>
      <translation>Time</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>Customer</translation>
    </message>
    <message>
      <source>City</source>
      <translation>City</translation>
    </message>
    <message>
      <source>Leg</source>
      <translation>Leg</translation>
    </message>
    <message>
      <source>Fixed time</source>
      <translation>Fixed time</translation>
    </message>
    <message>
      <source>yes</source>
      <translation>yes</translation>
    </message>
    <message>
      <source>Distance</source>
      <translation>Distance</translation>
    </message>
    <message>
      <source>Visit due</source>
      <translation>Visit due</translation>
    </message>
    <message>
      <source>overdue</source>
      <translation>overdue</translation>
    </message>
    <message>
      <source>Home base:</source>
      <translation>Home base:</translation>
    </message>
    <message>
      <source>Where your day starts and ends: latitude, longitude</source>
      <translation>Where your day starts and ends: latitude, longitude</translation>
    </message>
    <message>
      <source>Apply this order</source>
      <translation>Apply this order</translation>
    </message>
    <message>
      <source>Move the planned times to the order of the route</source>
      <translation>Move the planned times to the order of the route</translation>
    </message>
    <message>
      <source>Fixed time on/off</source>
      <translation>Fixed time on/off</translation>
    </message>
    <message>
      <source>Day route</source>
      <translation>Day route</translation>
    </message>
    <message>
      <source>Nearby</source>
      <translation>Nearby</translation>
    </message>
    <message>
      <source>Around the day's route</source>
      <translation>Around the day's route</translation>
    </message>
    <message>
      <source>Around the selected customer</source>
      <translation>Around the selected customer</translation>
    </message>
    <message>
      <source> km</source>
      <translation> km</translation>
    </message>
    <message>
      <source>Plan a visit on this day</source>
      <translation>Plan a visit on this day</translation>
    </message>
    <message>
      <source>Place pin</source>
      <translation>Place pin</translation>
    </message>
    <message>
      <source>Click the map where the selected customer is</source>
      <translation>Click the map where the selected customer is</translation>
    </message>
    <message>
      <source>Find coordinates</source>
      <translation>Find coordinates</translation>
    </message>
    <message>
      <source>Look up addresses without coordinates</source>
      <translation>Look up addresses without coordinates</translation>
    </message>
    <message>
      <source>No geocoding service is set up (IT sets it)</source>
      <translation>No geocoding service is set up (IT sets it)</translation>
    </message>
    <message>
      <source>Calendar address…</source>
      <translation>Calendar address…</translation>
    </message>
    <message>
      <source>A new private address for Outlook, Google or Thunderbird (the old one stops)</source>
      <translation>A new private address for Outlook, Google or Thunderbird (the old one stops)</translation>
    </message>
    <message>
      <source>No planned visits with coordinates on this day.</source>
      <translation>No planned visits with coordinates on this day.</translation>
    </message>
    <message>
      <source>%1 stops, %2 (in the planned order: %3).</source>
      <translation>%1 stops, %2 (in the planned order: %3).</translation>
    </message>
    <message>
      <source>No home base set: the day starts at its first stop.</source>
      <translation>No home base set: the day starts at its first stop.</translation>
    </message>
    <message>
      <source>%1 visits have no coordinates and keep their time.</source>
      <translation>%1 visits have no coordinates and keep their time.</translation>
    </message>
    <message>
      <source>Distances as the crow flies, not by road.</source>
      <translation>Distances as the crow flies, not by road.</translation>
    </message>
    <message>
      <source>Home</source>
      <translation>Home</translation>
    </message>
    <message>
      <source>Home base not saved: %1</source>
      <translation>Home base not saved: %1</translation>
    </message>
    <message>
      <source>The planned times follow the route now.</source>
      <translation>The planned times follow the route now.</translation>
    </message>
    <message>
      <source>Visit to %1 planned.</source>
      <translation>Visit to %1 planned.</translation>
    </message>
    <message>
      <source>Choose a customer first, then place the pin.</source>
      <translation>Choose a customer first, then place the pin.</translation>
    </message>
    <message>
      <source>Coordinates found for %1 customers.</source>
      <translation>Coordinates found for %1 customers.</translation>
    </message>
    <message>
      <source>Coordinates not found: %1</source>
      <translation>Coordinates not found: %1</translation>
    </message>
    <message>
      <source>Sign in to a server first.</source>
      <translation>Sign in to a server first.</translation>
    </message>
    <message>
      <source>No calendar address: %1</source>
      <translation>No calendar address: %1</translation>
    </message>
    <message>
      <source>The new calendar address is copied; the old one stops.</source>
      <translation>The new calendar address is copied; the old one stops.</translation>
    </message>
  </context>
  <context>
    <name>SaveDialog</name>
    <message>
      <source>Save</source>
      <translation>Save</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <source>Could not save: %1</source>
      <translation>Could not save: %1</translation>
    </message>
  </context>
  <context>
    <name>SearchCommand</name>
    <message>
      <source>Search everything</source>
      <translation>Search everything</translation>
    </message>
    <message>
      <source>Search everything (Ctrl+Shift+F)</source>
      <translation>Search everything (Ctrl+Shift+F)</translation>
    </message>
  </context>
  <context>
    <name>SearchWindow</name>
    <message>
      <source>Customers</source>
      <translation>Customers</translation>
    </message>
    <message>
      <source>Contacts</source>
      <translation>Contacts</translation>
    </message>
    <message>
      <source>Follow-ups</source>
      <translation>Follow-ups</translation>
    </message>
    <message>
      <source>Visits</source>
      <translation>Visits</translation>
    </message>
    <message>
      <source>Notes</source>
      <translation>Notes</translation>
    </message>
    <message>
      <source>Search everything</source>
      <translation>Search everything</translation>
    </message>
    <message>
      <source>Names, numbers, phone numbers, job titles, notes, visit reports…</source>
      <translation>Names, numbers, phone numbers, job titles, notes, visit reports…</translation>
    </message>
    <message>
      <source>Search</source>
      <translation>Search</translation>
    </message>
    <message>
      <source>Search results</source>
      <translation>Search results</translation>
    </message>
    <message>
      <source>Type to search everything on this laptop.</source>
      <translation>Type to search everything on this laptop.</translation>
    </message>
    <message>
      <source>Nothing found.</source>
      <translation>Nothing found.</translation>
    </message>
    <message>
      <source>%1 found</source>
      <translation>%1 found</translation>
    </message>
    <message>
      <source>The search index is still being built (%1 %): records not indexed yet are not found.</source>
      <translation>The search index is still being built (%1 %): records not indexed yet are not found.</translation>
    </message>
  </context>
  <context>
    <name>ServerReasons</name>
    <message>
      <source>This change is dated %1 minutes in the future. Check the date, time and time zone of this computer, then edit again.</source>
      <translation>This change is dated %1 minutes in the future. Check the date, time and time zone of this computer, then edit again.</translation>
    </message>
    <message>
      <source>Some values are not valid.</source>
      <translation>Some values are not valid.</translation>
    </message>
    <message>
      <source>FieldCRM does not synchronise records of this kind (%1).</source>
      <translation>FieldCRM does not synchronise records of this kind (%1).</translation>
    </message>
    <message>
      <source>Only an administrator can change records of this kind (%1).</source>
      <translation>Only an administrator can change records of this kind (%1).</translation>
    </message>
    <message>
      <source>The record id is not a valid id.</source>
      <translation>The record id is not a valid id.</translation>
    </message>
    <message>
      <source>This record (%1) does not exist on the server.</source>
      <translation>This record (%1) does not exist on the server.</translation>
    </message>
    <message>
      <source>This record (%1) belongs to a territory you cannot change.</source>
      <translation>This record (%1) belongs to a territory you cannot change.</translation>
    </message>
    <message>
      <source>A delete needs a '_deleted' clock stamp.</source>
      <translation>A delete needs a '_deleted' clock stamp.</translation>
    </message>
    <message>
      <source>The field %1 has no time stamp.</source>
      <translation>The field %1 has no time stamp.</translation>
    </message>
    <message>
      <source>A time stamp of this change is not valid.</source>
      <translation>A time stamp of this change is not valid.</translation>
    </message>
    <message>
      <source>This change carries the clock stamp of another device than the one logged in.</source>
      <translation>This change carries the clock stamp of another device than the one logged in.</translation>
    </message>
    <message>
      <source>This record (%1) is too large: the server takes at most %2 KiB per record, text included. Shorten its text and send it again.</source>
      <translation>This record (%1) is too large: the server takes at most %2 KiB per record, text included. Shorten its text and send it again.</translation>
    </message>
    <message>
      <source>Only its author can change this record (%1).</source>
      <translation>Only its author can change this record (%1).</translation>
    </message>
    <message>
      <source>The person named here is not a user on the server.</source>
      <translation>The person named here is not a user on the server.</translation>
    </message>
    <message>
      <source>Records of this kind (%1) can only be written in your own name.</source>
      <translation>Records of this kind (%1) can only be written in your own name.</translation>
    </message>
    <message>
      <source>You can record only your own visits.</source>
      <translation>You can record only your own visits.</translation>
    </message>
    <message>
      <source>Choose yourself or an active rep of your territories as the visit's rep.</source>
      <translation>Choose yourself or an active rep of your territories as the visit's rep.</translation>
    </message>
    <message>
      <source>The person named here can no longer sign in (disabled).</source>
      <translation>The person named here can no longer sign in (disabled).</translation>
    </message>
    <message>
      <source>The person named here is outside your territory and area.</source>
      <translation>The person named here is outside your territory and area.</translation>
    </message>
    <message>
      <source>The person asked cannot see this customer: choose someone of the customer's territory.</source>
      <translation>The person asked cannot see this customer: choose someone of the customer's territory.</translation>
    </message>
    <message>
      <source>Only the person asked can answer this request.</source>
      <translation>Only the person asked can answer this request.</translation>
    </message>
    <message>
      <source>The customer does not exist on the server or is not in your territory.</source>
      <translation>The customer does not exist on the server or is not in your territory.</translation>
    </message>
    <message>
      <source>The customer was deleted.</source>
      <translation>The customer was deleted.</translation>
    </message>
    <message>
      <source>Choose a territory that exists.</source>
      <translation>Choose a territory that exists.</translation>
    </message>
    <message>
      <source>This is an area; assign one of its territories instead.</source>
      <translation>This is an area; assign one of its territories instead.</translation>
    </message>
    <message>
      <source>This territory is outside your area.</source>
      <translation>This territory is outside your area.</translation>
    </message>
    <message>
      <source>You have no territory to add customers to.</source>
      <translation>You have no territory to add customers to.</translation>
    </message>
    <message>
      <source>Records of this kind (%1) cannot be deleted by a sync; an administrator deletes them with the fieldcrm-server command.</source>
      <translation>Records of this kind (%1) cannot be deleted by a sync; an administrator deletes them with the fieldcrm-server command.</translation>
    </message>
    <message>
      <source>This user name is already taken.</source>
      <translation>This user name is already taken.</translation>
    </message>
    <message>
      <source>You have already said you know this person.</source>
      <translation>You have already said you know this person.</translation>
    </message>
    <message>
      <source>The server refused this change.</source>
      <translation>The server refused this change.</translation>
    </message>
    <message>
      <source>The content of an attachment cannot be changed; add the new file as another attachment.</source>
      <translation>The content of an attachment cannot be changed; add the new file as another attachment.</translation>
    </message>
    <message>
      <source>Only a manager or an administrator can post bulletins.</source>
      <translation>Only a manager or an administrator can post bulletins.</translation>
    </message>
    <message>
      <source>Only a manager of the area or an administrator can publish documents to its shelf or to a bulletin.</source>
      <translation>Only a manager of the area or an administrator can publish documents to its shelf or to a bulletin.</translation>
    </message>
    <message>
      <source>Choose the area the bulletin is for.</source>
      <translation>Choose the area the bulletin is for.</translation>
    </message>
    <message>
      <source>Address only territories and active reps of the bulletin's area.</source>
      <translation>Address only territories and active reps of the bulletin's area.</translation>
    </message>
    <message>
      <source>The bulletin does not exist on the server or is not addressed to you.</source>
      <translation>The bulletin does not exist on the server or is not addressed to you.</translation>
    </message>
    <message>
      <source>This change is too large to send to the server. Shorten its text and send it again.</source>
      <translation>This change is too large to send to the server. Shorten its text and send it again.</translation>
    </message>
    <message>
      <source>The server could not read this change (%1). Update FieldCRM; if the change is still refused, discard it and enter it again.</source>
      <translation>The server could not read this change (%1). Update FieldCRM; if the change is still refused, discard it and enter it again.</translation>
    </message>
    <message>
      <source>The record left your territory on the server before this change was sent; the change was not synced. Ask the record's new owner to apply it if it still matters.</source>
      <translation>The record left your territory on the server before this change was sent; the change was not synced. Ask the record's new owner to apply it if it still matters.</translation>
    </message>
  </context>
  <context>
    <name>SettingsDialog</name>
    <message>
      <source>Settings</source>
      <translation>Settings</translation>
    </message>
    <message>
      <source>Server address</source>
      <translation>Server address</translation>
    </message>
    <message>
      <source>Sync interval in minutes</source>
      <translation>Sync interval in minutes</translation>
    </message>
    <message>
      <source> min</source>
      <translation> min</translation>
    </message>
    <message>
      <source>Lock after minutes without input</source>
      <translation>Lock after minutes without input</translation>
    </message>
    <message>
      <source>Never</source>
      <translation>Never</translation>
    </message>
    <message>
      <source>Remind of the next visit this many minutes before it</source>
      <translation>Remind of the next visit this many minutes before it</translation>
    </message>
    <message>
      <source> min before a visit</source>
      <translation> min before a visit</translation>
    </message>
    <message>
      <source>Off</source>
      <translation>Off</translation>
    </message>
    <message>
      <source>Reminds you of your next visit and of the follow-ups due today. Off: no reminders.</source>
      <translation>Reminds you of your next visit and of the follow-ups due today. Off: no reminders.</translation>
    </message>
    <message>
      <source>Language</source>
      <translation>Language</translation>
    </message>
    <message>
      <source>System language</source>
      <translation>System language</translation>
    </message>
    <message>
      <source>Server:</source>
      <translation>Server:</translation>
    </message>
    <message>
      <source>Sync every:</source>
      <translation>Sync every:</translation>
    </message>
    <message>
      <source>Lock after:</source>
      <translation>Lock after:</translation>
    </message>
    <message>
      <source>Reminders:</source>
      <translation>Reminders:</translation>
    </message>
    <message>
      <source>Language:</source>
      <translation>Language:</translation>
    </message>
    <message>
      <source>Set by your IT department</source>
      <translation>Set by your IT department</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>Save</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
  </context>
  <context>
    <name>Shelf</name>
    <message>
      <source>%1 MB</source>
      <translation>%1 MB</translation>
    </message>
    <message>
      <source>%1 KB</source>
      <translation>%1 KB</translation>
    </message>
    <message>
      <source>Available offline</source>
      <translation>Available offline</translation>
    </message>
    <message>
      <source>Waiting to upload</source>
      <translation>Waiting to upload</translation>
    </message>
    <message>
      <source>On the server</source>
      <translation>On the server</translation>
    </message>
    <message>
      <source>Downloading…</source>
      <translation>Downloading…</translation>
    </message>
    <message>
      <source>The document cannot be downloaded now; open it again once online.</source>
      <translation>The document cannot be downloaded now; open it again once online.</translation>
    </message>
    <message>
      <source>Document</source>
      <translation>Document</translation>
    </message>
    <message>
      <source>Version</source>
      <translation>Version</translation>
    </message>
    <message>
      <source>File</source>
      <translation>File</translation>
    </message>
    <message>
      <source>Size</source>
      <translation>Size</translation>
    </message>
    <message>
      <source>Published</source>
      <translation>Published</translation>
    </message>
    <message>
      <source>On this laptop</source>
      <translation>On this laptop</translation>
    </message>
    <message>
      <source>Documents shelf</source>
      <translation>Documents shelf</translation>
    </message>
    <message>
      <source>The current version of each document of your area. A new version replaces the old one on every laptop at its next sync.</source>
      <translation>The current version of each document of your area. A new version replaces the old one on every laptop at its next sync.</translation>
    </message>
    <message>
      <source>&amp;Open</source>
      <translation>&amp;Open</translation>
    </message>
    <message>
      <source>&amp;Publish document…</source>
      <translation>&amp;Publish document…</translation>
    </message>
    <message>
      <source>New &amp;version…</source>
      <translation>New &amp;version…</translation>
    </message>
    <message>
      <source>No documents on the shelf yet.</source>
      <translation>No documents on the shelf yet.</translation>
    </message>
    <message>
      <source>Publish document</source>
      <translation>Publish document</translation>
    </message>
    <message>
      <source>Name on the shelf:</source>
      <translation>Name on the shelf:</translation>
    </message>
    <message>
      <source>Not published: %1</source>
      <translation>Not published: %1</translation>
    </message>
  </context>
  <context>
    <name>SyncController</name>
    <message>
      <source>No server configured. Set the server address in Settings.</source>
      <translation>No server configured. Set the server address in Settings.</translation>
    </message>
  </context>
  <context>
    <name>SyncErrors</name>
    <message>
      <source>Wrong user name or password.</source>
      <translation>Wrong user name or password.</translation>
    </message>
    <message>
      <source>Too many failed sign-ins; wait a minute and try again.</source>
      <translation>Too many failed sign-ins; wait a minute and try again.</translation>
    </message>
    <message>
      <source>Cannot reach the server. Check the network connection; your changes are kept.</source>
      <translation>Cannot reach the server. Check the network connection; your changes are kept.</translation>
    </message>
    <message>
      <source>This server address uses plain http://, so the password would travel unencrypted. Use the https:// address; ask IT if you do not know it.</source>
      <translation>This server address uses plain http://, so the password would travel unencrypted. Use the https:// address; ask IT if you do not know it.</translation>
    </message>
    <message>
      <source>The server has moved to %1. Use that address to sign in.</source>
      <translation>The server has moved to %1. Use that address to sign in.</translation>
    </message>
    <message>
      <source>The sync session is kept in the system keyring, which cannot be read now. Unlock the keyring, or sign in again.</source>
      <translation>The sync session is kept in the system keyring, which cannot be read now. Unlock the keyring, or sign in again.</translation>
    </message>
    <message>
      <source>This laptop is not signed in to a server. Sign in to sync.</source>
      <translation>This laptop is not signed in to a server. Sign in to sync.</translation>
    </message>
    <message>
      <source>The session with the server has ended. Sign in again; your changes are kept.</source>
      <translation>The session with the server has ended. Sign in again; your changes are kept.</translation>
    </message>
    <message>
      <source>The server no longer accepts this device or user. Ask IT to restore access; your changes are kept.</source>
      <translation>The server no longer accepts this device or user. Ask IT to restore access; your changes are kept.</translation>
    </message>
    <message>
      <source>This FieldCRM version cannot sync with the server. Update FieldCRM or ask IT.</source>
      <translation>This FieldCRM version cannot sync with the server. Update FieldCRM or ask IT.</translation>
    </message>
    <message>
      <source>The clock of this computer is ahead of the server's. Set the right date, time and time zone; your changes wait until then.</source>
      <translation>The clock of this computer is ahead of the server's. Set the right date, time and time zone; your changes wait until then.</translation>
    </message>
    <message>
      <source>This laptop's profile is in use on another computer too, and taking a new identity did not help. Your changes are kept; ask IT.</source>
      <translation>This laptop's profile is in use on another computer too, and taking a new identity did not help. Your changes are kept; ask IT.</translation>
    </message>
    <message>
      <source>The data on this laptop still differs from the server's. FieldCRM tries again at the next sync; your changes are kept.</source>
      <translation>The data on this laptop still differs from the server's. FieldCRM tries again at the next sync; your changes are kept.</translation>
    </message>
    <message>
      <source>The server reported an error (%1). Your changes are kept; try again later.</source>
      <translation>The server reported an error (%1). Your changes are kept; try again later.</translation>
    </message>
    <message>
      <source>The server refused a request (%1). Your changes are kept; ask IT if it stays.</source>
      <translation>The server refused a request (%1). Your changes are kept; ask IT if it stays.</translation>
    </message>
    <message>
      <source>Sync stopped. Your changes are kept; try again later.</source>
      <translation>Sync stopped. Your changes are kept; try again later.</translation>
    </message>
  </context>
  <context>
    <name>SyncNotices</name>
    <message>
      <source>You now work in territory %1: %2 customers removed from this laptop, %3 added.</source>
      <translation>You now work in territory %1: %2 customers removed from this laptop, %3 added.</translation>
    </message>
    <message>
      <source>What you may see has changed: %1 customers removed from this laptop, %2 added.</source>
      <translation>What you may see has changed: %1 customers removed from this laptop, %2 added.</translation>
    </message>
    <message>
      <source>This profile had been restored from a backup or copied from another computer, so it took a new device identity; its changes were sent again and nothing was lost.</source>
      <translation>This profile had been restored from a backup or copied from another computer, so it took a new device identity; its changes were sent again and nothing was lost.</translation>
    </message>
  </context>
  <context>
    <name>Trash</name>
    <message>
      <source>Customer</source>
      <translation>Customer</translation>
    </message>
    <message>
      <source>Contact</source>
      <translation>Contact</translation>
    </message>
    <message>
      <source>Visit</source>
      <translation>Visit</translation>
    </message>
    <message>
      <source>Note</source>
      <translation>Note</translation>
    </message>
    <message>
      <source>Follow-up</source>
      <translation>Follow-up</translation>
    </message>
    <message>
      <source>Relationship</source>
      <translation>Relationship</translation>
    </message>
    <message>
      <source>I know this person</source>
      <translation>I know this person</translation>
    </message>
    <message>
      <source>File</source>
      <translation>File</translation>
    </message>
    <message>
      <source>Deleted</source>
      <translation>Deleted</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>Kind</translation>
    </message>
    <message>
      <source>What</source>
      <translation>What</translation>
    </message>
    <message>
      <source>Deleted with it</source>
      <translation>Deleted with it</translation>
    </message>
    <message>
      <source>Trash</source>
      <translation>Trash</translation>
    </message>
    <message>
      <source>Records deleted in the last %1 days, on this laptop or another. A restored record comes back with what was deleted with it, on every laptop after a sync.</source>
      <translation>Records deleted in the last %1 days, on this laptop or another. A restored record comes back with what was deleted with it, on every laptop after a sync.</translation>
    </message>
    <message>
      <source>Deleted records</source>
      <translation>Deleted records</translation>
    </message>
    <message>
      <source>&amp;Restore</source>
      <translation>&amp;Restore</translation>
    </message>
  </context>
  <context>
    <name>Unlock</name>
    <message>
      <source>FieldCRM is locked</source>
      <translation>FieldCRM is locked</translation>
    </message>
    <message>
      <source>This computer has no keyring, so your local data is encrypted with your password.
Enter your FieldCRM password:</source>
      <translation>This computer has no keyring, so your local data is encrypted with your password.
Enter your FieldCRM password:</translation>
    </message>
    <message>
      <source>FieldCRM cannot open your data</source>
      <translation>FieldCRM cannot open your data</translation>
    </message>
    <message>
      <source>Your local data could not be opened. Nothing was changed.</source>
      <translation>Your local data could not be opened. Nothing was changed.</translation>
    </message>
  </context>
  <context>
    <name>Validation</name>
    <message>
      <source>Required</source>
      <translation>Required</translation>
    </message>
    <message>
      <source>Must not be empty</source>
      <translation>Must not be empty</translation>
    </message>
    <message>
      <source>Must be text</source>
      <translation>Must be text</translation>
    </message>
    <message>
      <source>At most %1 characters</source>
      <translation>At most %1 characters</translation>
    </message>
    <message>
      <source>Not a valid e-mail address</source>
      <translation>Not a valid e-mail address</translation>
    </message>
    <message>
      <source>Not one of the choices</source>
      <translation>Not one of the choices</translation>
    </message>
    <message>
      <source>Must be yes or no</source>
      <translation>Must be yes or no</translation>
    </message>
    <message>
      <source>Must be a whole number</source>
      <translation>Must be a whole number</translation>
    </message>
    <message>
      <source>Must be a number</source>
      <translation>Must be a number</translation>
    </message>
    <message>
      <source>Must be at least %1</source>
      <translation>Must be at least %1</translation>
    </message>
    <message>
      <source>Must be at most %1</source>
      <translation>Must be at most %1</translation>
    </message>
    <message>
      <source>Must be a date without a time</source>
      <translation>Must be a date without a time</translation>
    </message>
    <message>
      <source>Must be a date</source>
      <translation>Must be a date</translation>
    </message>
    <message>
      <source>Must be a date and time</source>
      <translation>Must be a date and time</translation>
    </message>
    <message>
      <source>Outside the dates that can be stored</source>
      <translation>Outside the dates that can be stored</translation>
    </message>
    <message>
      <source>Must be a record</source>
      <translation>Must be a record</translation>
    </message>
    <message>
      <source>Must be a list of records</source>
      <translation>Must be a list of records</translation>
    </message>
    <message>
      <source>Not a field of this record</source>
      <translation>Not a field of this record</translation>
    </message>
    <message>
      <source>Must not be before the planned start</source>
      <translation>Must not be before the planned start</translation>
    </message>
    <message>
      <source>Needs a check-in first</source>
      <translation>Needs a check-in first</translation>
    </message>
    <message>
      <source>Must not be before the check-in</source>
      <translation>Must not be before the check-in</translation>
    </message>
    <message>
      <source>Latitude and longitude go together</source>
      <translation>Latitude and longitude go together</translation>
    </message>
    <message>
      <source>Must be another contact</source>
      <translation>Must be another contact</translation>
    </message>
    <message>
      <source>You have already said you know this person</source>
      <translation>You have already said you know this person</translation>
    </message>
    <message>
      <source>Must be a SHA-256 hash (64 hexadecimal digits)</source>
      <translation>Must be a SHA-256 hash (64 hexadecimal digits)</translation>
    </message>
    <message>
      <source>Is not a usable file name</source>
      <translation>Is not a usable file name</translation>
    </message>
    <message>
      <source>An attachment belongs to one visit, note or follow-up at most</source>
      <translation>An attachment belongs to one visit, note or follow-up at most</translation>
    </message>
    <message>
      <source>A custom relationship needs a name</source>
      <translation>A custom relationship needs a name</translation>
    </message>
    <message>
      <source>Say why you decline the request</source>
      <translation>Say why you decline the request</translation>
    </message>
    <message>
      <source>This record is not deleted (it may have been restored already)</source>
      <translation>This record is not deleted (it may have been restored already)</translation>
    </message>
    <message>
      <source>This record (%1) does not exist</source>
      <translation>This record (%1) does not exist</translation>
    </message>
    <message>
      <source>This record (%1) belongs to another customer</source>
      <translation>This record (%1) belongs to another customer</translation>
    </message>
    <message>
      <source>Not a valid record id</source>
      <translation>Not a valid record id</translation>
    </message>
    <message>
      <source>This record (%1) exists already</source>
      <translation>This record (%1) exists already</translation>
    </message>
    <message>
      <source>A comment is on a visit report or under a bulletin, not both</source>
      <translation>A comment is on a visit report or under a bulletin, not both</translation>
    </message>
    <message>
      <source>A file belongs to a customer, a bulletin or an area's shelf, one of them</source>
      <translation>A file belongs to a customer, a bulletin or an area's shelf, one of them</translation>
    </message>
  </context>
  <context>
    <name>Views</name>
    <message>
      <source>Choose a customer</source>
      <translation>Choose a customer</translation>
    </message>
    <message>
      <source>Search name, number, city or contact…</source>
      <translation>Search name, number, city or contact…</translation>
    </message>
    <message>
      <source>Search customers</source>
      <translation>Search customers</translation>
    </message>
    <message>
      <source>Choose</source>
      <translation>Choose</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <source>Could not save: %1</source>
      <translation>Could not save: %1</translation>
    </message>
    <message>
      <source>Record</source>
      <translation>Record</translation>
    </message>
    <message>
      <source>Type</source>
      <translation>Type</translation>
    </message>
    <message>
      <source>Field</source>
      <translation>Field</translation>
    </message>
    <message>
      <source>(deleted)</source>
      <translation>(deleted)</translation>
    </message>
    <message>
      <source>Since</source>
      <translation>Since</translation>
    </message>
    <message>
      <source>Conflicts</source>
      <translation>Conflicts</translation>
    </message>
    <message>
      <source>Someone else changed the same field while you were offline. The newer change is in effect; choose which value to keep, or type a new one.</source>
      <translation>Someone else changed the same field while you were offline. The newer change is in effect; choose which value to keep, or type a new one.</translation>
    </message>
    <message>
      <source>Mine</source>
      <translation>Mine</translation>
    </message>
    <message>
      <source>Theirs</source>
      <translation>Theirs</translation>
    </message>
    <message>
      <source>Keep mine</source>
      <translation>Keep mine</translation>
    </message>
    <message>
      <source>Take theirs</source>
      <translation>Take theirs</translation>
    </message>
    <message>
      <source>Accept deletion</source>
      <translation>Accept deletion</translation>
    </message>
    <message>
      <source>Restore with my edit</source>
      <translation>Restore with my edit</translation>
    </message>
    <message>
      <source>New value</source>
      <translation>New value</translation>
    </message>
    <message>
      <source>Or type a new value…</source>
      <translation>Or type a new value…</translation>
    </message>
    <message>
      <source>Save this value</source>
      <translation>Save this value</translation>
    </message>
    <message>
      <source>The conflict you were typing a value for was resolved meanwhile.</source>
      <translation>The conflict you were typing a value for was resolved meanwhile.</translation>
    </message>
    <message>
      <source>No conflicts. Everything is in agreement.</source>
      <translation>No conflicts. Everything is in agreement.</translation>
    </message>
    <message>
      <source>by %1, %2</source>
      <translation>by %1, %2</translation>
    </message>
    <message>
      <source>unknown</source>
      <translation>unknown</translation>
    </message>
    <message>
      <source>(empty)</source>
      <translation>(empty)</translation>
    </message>
    <message>
      <source>Please enter a number.</source>
      <translation>Please enter a number.</translation>
    </message>
    <message>
      <source>Conflict resolved.</source>
      <translation>Conflict resolved.</translation>
    </message>
    <message>
      <source>Restored with the edit.</source>
      <translation>Restored with the edit.</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>Name</translation>
    </message>
    <message>
      <source>Job title</source>
      <translation>Job title</translation>
    </message>
    <message>
      <source>Phone</source>
      <translation>Phone</translation>
    </message>
    <message>
      <source>E-mail</source>
      <translation>E-mail</translation>
    </message>
    <message>
      <source>When</source>
      <translation>When</translation>
    </message>
    <message>
      <source>What</source>
      <translation>What</translation>
    </message>
    <message>
      <source>Summary</source>
      <translation>Summary</translation>
    </message>
    <message>
      <source>Due</source>
      <translation>Due</translation>
    </message>
    <message>
      <source>Follow-up</source>
      <translation>Follow-up</translation>
    </message>
    <message>
      <source>Done</source>
      <translation>Done</translation>
    </message>
    <message>
      <source>← Customers</source>
      <translation>← Customers</translation>
    </message>
    <message>
      <source>Back to the customer list</source>
      <translation>Back to the customer list</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>Save</translation>
    </message>
    <message>
      <source>Revert</source>
      <translation>Revert</translation>
    </message>
    <message>
      <source>Timeline</source>
      <translation>Timeline</translation>
    </message>
    <message>
      <source>Contacts</source>
      <translation>Contacts</translation>
    </message>
    <message>
      <source>Follow-ups</source>
      <translation>Follow-ups</translation>
    </message>
    <message>
      <source>People and connections</source>
      <translation>People and connections</translation>
    </message>
    <message>
      <source>Files</source>
      <translation>Files</translation>
    </message>
    <message>
      <source>Add contact…</source>
      <translation>Add contact…</translation>
    </message>
    <message>
      <source>Import contacts…</source>
      <translation>Import contacts…</translation>
    </message>
    <message>
      <source>New note…</source>
      <translation>New note…</translation>
    </message>
    <message>
      <source>Plan visit…</source>
      <translation>Plan visit…</translation>
    </message>
    <message>
      <source>New follow-up…</source>
      <translation>New follow-up…</translation>
    </message>
    <message>
      <source>Mark done</source>
      <translation>Mark done</translation>
    </message>
    <message>
      <source>Feedback</source>
      <translation>Feedback</translation>
    </message>
    <message>
      <source>%1 acknowledged the visit report</source>
      <translation>%1 acknowledged the visit report</translation>
    </message>
    <message>
      <source>This customer no longer exists.</source>
      <translation>This customer no longer exists.</translation>
    </message>
    <message>
      <source>Customer saved.</source>
      <translation>Customer saved.</translation>
    </message>
    <message>
      <source>Customers</source>
      <translation>Customers</translation>
    </message>
    <message>
      <source>Territory filter</source>
      <translation>Territory filter</translation>
    </message>
    <message>
      <source>Status filter</source>
      <translation>Status filter</translation>
    </message>
    <message>
      <source>Segment filter</source>
      <translation>Segment filter</translation>
    </message>
    <message>
      <source>All territories</source>
      <translation>All territories</translation>
    </message>
    <message>
      <source>All statuses</source>
      <translation>All statuses</translation>
    </message>
    <message>
      <source>All segments</source>
      <translation>All segments</translation>
    </message>
    <message>
      <source>Segment %1</source>
      <translation>Segment %1</translation>
    </message>
    <message>
      <source>Overdue only</source>
      <translation>Overdue only</translation>
    </message>
    <message>
      <source>New customer…</source>
      <translation>New customer…</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>Open</translation>
    </message>
    <message>
      <source>Delete…</source>
      <translation>Delete…</translation>
    </message>
    <message>
      <source>Customer list</source>
      <translation>Customer list</translation>
    </message>
    <message>
      <source>Delete customer</source>
      <translation>Delete customer</translation>
    </message>
    <message>
      <source>Delete %1 with all contacts, visits, notes and follow-ups?</source>
      <translation>Delete %1 with all contacts, visits, notes and follow-ups?</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>Delete</translation>
    </message>
    <message>
      <source>Reason</source>
      <translation>Reason</translation>
    </message>
    <message>
      <source>Rejected changes</source>
      <translation>Rejected changes</translation>
    </message>
    <message>
      <source>The server refused these changes. Nothing is lost: correct a change and send it again, or discard it.</source>
      <translation>The server refused these changes. Nothing is lost: correct a change and send it again, or discard it.</translation>
    </message>
    <message>
      <source>Correct the change</source>
      <translation>Correct the change</translation>
    </message>
    <message>
      <source>Fix and resend</source>
      <translation>Fix and resend</translation>
    </message>
    <message>
      <source>Discard…</source>
      <translation>Discard…</translation>
    </message>
    <message>
      <source>The change you were correcting is no longer in the list of rejected changes.</source>
      <translation>The change you were correcting is no longer in the list of rejected changes.</translation>
    </message>
    <message>
      <source>No rejected changes.</source>
      <translation>No rejected changes.</translation>
    </message>
    <message>
      <source>Reason: %1</source>
      <translation>Reason: %1</translation>
    </message>
    <message>
      <source>The corrected change will be sent with the next sync.</source>
      <translation>The corrected change will be sent with the next sync.</translation>
    </message>
    <message>
      <source>Discard change</source>
      <translation>Discard change</translation>
    </message>
    <message>
      <source>Discard this change for good? It will not be sent to the server.</source>
      <translation>Discard this change for good? It will not be sent to the server.</translation>
    </message>
    <message>
      <source>Discard</source>
      <translation>Discard</translation>
    </message>
    <message>
      <source>The change was discarded.</source>
      <translation>The change was discarded.</translation>
    </message>
    <message>
      <source>Time</source>
      <translation>Time</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>Customer</translation>
    </message>
    <message>
      <source>City</source>
      <translation>City</translation>
    </message>
    <message>
      <source>Purpose</source>
      <translation>Purpose</translation>
    </message>
    <message>
      <source>Last visit</source>
      <translation>Last visit</translation>
    </message>
    <message>
      <source>never</source>
      <translation>never</translation>
    </message>
    <message>
      <source>Cadence</source>
      <translation>Cadence</translation>
    </message>
    <message>
      <source>every %1 days</source>
      <translation>every %1 days</translation>
    </message>
    <message>
      <source>Today, %1</source>
      <translation>Today, %1</translation>
    </message>
    <message>
      <source>Visits today</source>
      <translation>Visits today</translation>
    </message>
    <message>
      <source>This week</source>
      <translation>This week</translation>
    </message>
    <message>
      <source>Overdue for a visit</source>
      <translation>Overdue for a visit</translation>
    </message>
    <message>
      <source>Follow-ups and requests</source>
      <translation>Follow-ups and requests</translation>
    </message>
    <message>
      <source>Open follow-ups</source>
      <translation>Open follow-ups</translation>
    </message>
    <message>
      <source>Start visit</source>
      <translation>Start visit</translation>
    </message>
    <message>
      <source>Check in to the selected (or next) visit and write the report</source>
      <translation>Check in to the selected (or next) visit and write the report</translation>
    </message>
    <message>
      <source>Asked of you (%1)</source>
      <translation>Asked of you (%1)</translation>
    </message>
    <message>
      <source>Asked of you</source>
      <translation>Asked of you</translation>
    </message>
    <message>
      <source>Answers (%1)</source>
      <translation>Answers (%1)</translation>
    </message>
    <message>
      <source>Answers</source>
      <translation>Answers</translation>
    </message>
    <message>
      <source>Planned</source>
      <translation>Planned</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Checked in</source>
      <translation>Checked in</translation>
    </message>
    <message>
      <source>Checked out</source>
      <translation>Checked out</translation>
    </message>
    <message>
      <source>Outcome</source>
      <translation>Outcome</translation>
    </message>
    <message>
      <source>Visits</source>
      <translation>Visits</translation>
    </message>
    <message>
      <source>Previous week</source>
      <translation>Previous week</translation>
    </message>
    <message>
      <source>Next week</source>
      <translation>Next week</translation>
    </message>
    <message>
      <source>Week planner</source>
      <translation>Week planner</translation>
    </message>
    <message>
      <source>Drag a planned visit to another day to move it.</source>
      <translation>Drag a planned visit to another day to move it.</translation>
    </message>
    <message>
      <source>Visit list</source>
      <translation>Visit list</translation>
    </message>
    <message>
      <source>Visit status filter</source>
      <translation>Visit status filter</translation>
    </message>
    <message>
      <source>All visits</source>
      <translation>All visits</translation>
    </message>
    <message>
      <source>Check in</source>
      <translation>Check in</translation>
    </message>
    <message>
      <source>Check out</source>
      <translation>Check out</translation>
    </message>
    <message>
      <source>Report…</source>
      <translation>Report…</translation>
    </message>
  </context>
  <context>
    <name>Wipe</name>
    <message>
      <source>An administrator had this laptop's FieldCRM data deleted (a lost or handed-over laptop). Nothing of it is left here; sign in again to start afresh.</source>
      <translation>An administrator had this laptop's FieldCRM data deleted (a lost or handed-over laptop). Nothing of it is left here; sign in again to start afresh.</translation>
    </message>
    <message>
      <source>FieldCRM</source>
      <translation>FieldCRM</translation>
    </message>
  </context>
</TS>
