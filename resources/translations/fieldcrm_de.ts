<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
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
      <translation>Wartet auf Hochladen</translation>
    </message>
    <message>
      <source>File</source>
      <translation>Datei</translation>
    </message>
    <message>
      <source>Add file…</source>
      <translation>Datei hinzufügen…</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>Öffnen</translation>
    </message>
    <message>
      <source>Rename…</source>
      <translation>Umbenennen…</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>Löschen</translation>
    </message>
    <message>
      <source>Attached files</source>
      <translation>Angehängte Dateien</translation>
    </message>
    <message>
      <source>Drop files here or paste an image. Photos, PDFs and office documents.</source>
      <translation>Dateien hierher ziehen oder ein Bild einfügen. Fotos, PDFs und Office-Dokumente.</translation>
    </message>
    <message>
      <source>Attach files</source>
      <translation>Dateien anhängen</translation>
    </message>
    <message>
      <source>File not attached: %1</source>
      <translation>Datei nicht angehängt: %1</translation>
    </message>
    <message>
      <source>Pasted image</source>
      <translation>Eingefügtes Bild</translation>
    </message>
    <message>
      <source>Downloading…</source>
      <translation>Wird heruntergeladen…</translation>
    </message>
    <message>
      <source>The file cannot be downloaded now; open it again once the laptop is online.</source>
      <translation>Die Datei lässt sich gerade nicht herunterladen; öffnen Sie sie erneut, sobald der Laptop online ist.</translation>
    </message>
    <message>
      <source>Rename file</source>
      <translation>Datei umbenennen</translation>
    </message>
    <message>
      <source>File name</source>
      <translation>Dateiname</translation>
    </message>
    <message>
      <source>Delete %1 for everyone?</source>
      <translation>%1 für alle löschen?</translation>
    </message>
    <message>
      <source>Delete file</source>
      <translation>Datei löschen</translation>
    </message>
  </context>
  <context>
    <name>Bulletins</name>
    <message>
      <source>confirmed %1</source>
      <translation>bestätigt %1</translation>
    </message>
    <message>
      <source>read %1, not confirmed</source>
      <translation>gelesen %1, nicht bestätigt</translation>
    </message>
    <message>
      <source>not seen yet — last sync %1 days ago</source>
      <translation>noch nicht gesehen — zuletzt synchronisiert vor %1 Tagen</translation>
    </message>
    <message>
      <source>not seen yet — last sync yesterday</source>
      <translation>noch nicht gesehen — zuletzt gestern synchronisiert</translation>
    </message>
    <message>
      <source>not seen yet — last sync %1</source>
      <translation>noch nicht gesehen — zuletzt synchronisiert %1</translation>
    </message>
    <message>
      <source>not seen yet — never synced</source>
      <translation>noch nicht gesehen — nie synchronisiert</translation>
    </message>
    <message>
      <source>Person</source>
      <translation>Person</translation>
    </message>
    <message>
      <source>Territory</source>
      <translation>Gebiet</translation>
    </message>
    <message>
      <source>Read and confirmed</source>
      <translation>Gelesen und bestätigt</translation>
    </message>
    <message>
      <source>Documents of the bulletin</source>
      <translation>Dokumente des Rundschreibens</translation>
    </message>
    <message>
      <source>Read and &amp;understood</source>
      <translation>Gelesen und &amp;verstanden</translation>
    </message>
    <message>
      <source>&amp;Correct…</source>
      <translation>&amp;Korrigieren…</translation>
    </message>
    <message>
      <source>&amp;Delete</source>
      <translation>&amp;Löschen</translation>
    </message>
    <message>
      <source>Who has read it</source>
      <translation>Wer es gelesen hat</translation>
    </message>
    <message>
      <source>Questions and answers</source>
      <translation>Fragen und Antworten</translation>
    </message>
    <message>
      <source>Ask a question or answer one…</source>
      <translation>Eine Frage stellen oder beantworten…</translation>
    </message>
    <message>
      <source>&amp;Send</source>
      <translation>&amp;Senden</translation>
    </message>
    <message>
      <source>the whole area</source>
      <translation>den ganzen Bereich</translation>
    </message>
    <message>
      <source>From %1, %2 — to %3</source>
      <translation>Von %1, %2 — an %3</translation>
    </message>
    <message>
      <source>%1 — %2 — %3</source>
      <translation>%1 — %2 — %3</translation>
    </message>
    <message>
      <source>You confirmed it %1.</source>
      <translation>Sie haben es am %1 bestätigt.</translation>
    </message>
    <message>
      <source>Please confirm by %1.</source>
      <translation>Bitte bis %1 bestätigen.</translation>
    </message>
    <message>
      <source>Readers are asked to confirm by %1.</source>
      <translation>Die Empfänger sollen bis %1 bestätigen.</translation>
    </message>
    <message>
      <source>Delete bulletin</source>
      <translation>Rundschreiben löschen</translation>
    </message>
    <message>
      <source>Delete the bulletin “%1”? It disappears from every laptop it reached.</source>
      <translation>Das Rundschreiben „%1“ löschen? Es verschwindet von jedem Laptop, das es erreicht hat.</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>Löschen</translation>
    </message>
    <message>
      <source>New bulletin</source>
      <translation>Neues Rundschreiben</translation>
    </message>
    <message>
      <source>Correct bulletin</source>
      <translation>Rundschreiben korrigieren</translation>
    </message>
    <message>
      <source>Simple formatting: **bold**, *italic*, - lists</source>
      <translation>Einfache Formatierung: **fett**, *kursiv*, - Listen</translation>
    </message>
    <message>
      <source>The whole area</source>
      <translation>Der ganze Bereich</translation>
    </message>
    <message>
      <source>Chosen territories and reps:</source>
      <translation>Ausgewählte Gebiete und Außendienstmitarbeiter:</translation>
    </message>
    <message>
      <source>Ask to confirm by</source>
      <translation>Bestätigung erbitten bis</translation>
    </message>
    <message>
      <source>&amp;Attach document…</source>
      <translation>Dokument &amp;anhängen…</translation>
    </message>
    <message>
      <source>Title:</source>
      <translation>Titel:</translation>
    </message>
    <message>
      <source>Text:</source>
      <translation>Text:</translation>
    </message>
    <message>
      <source>To:</source>
      <translation>An:</translation>
    </message>
    <message>
      <source>Documents:</source>
      <translation>Dokumente:</translation>
    </message>
    <message>
      <source>&amp;Post</source>
      <translation>&amp;Veröffentlichen</translation>
    </message>
    <message>
      <source>&amp;Save</source>
      <translation>&amp;Speichern</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
    <message>
      <source>Territory %1</source>
      <translation>Gebiet %1</translation>
    </message>
    <message>
      <source>Attach document</source>
      <translation>Dokument anhängen</translation>
    </message>
    <message>
      <source>Give the bulletin a title.</source>
      <translation>Geben Sie dem Rundschreiben einen Titel.</translation>
    </message>
    <message>
      <source>Not posted: %1</source>
      <translation>Nicht veröffentlicht: %1</translation>
    </message>
    <message>
      <source>Not saved: %1</source>
      <translation>Nicht gespeichert: %1</translation>
    </message>
  </context>
  <context>
    <name>Connections</name>
    <message>
      <source>reports to / manages</source>
      <translation>berichtet an / leitet</translation>
    </message>
    <message>
      <source>is assistant of / has as assistant</source>
      <translation>ist Assistenz von / hat als Assistenz</translation>
    </message>
    <message>
      <source>colleague</source>
      <translation>Kollege/Kollegin</translation>
    </message>
    <message>
      <source>decides for / is decided for by</source>
      <translation>entscheidet für / wird entschieden von</translation>
    </message>
    <message>
      <source>influences / is influenced by</source>
      <translation>beeinflusst / wird beeinflusst von</translation>
    </message>
    <message>
      <source>other (name it)</source>
      <translation>andere (bitte benennen)</translation>
    </message>
    <message>
      <source>Could not save: %1</source>
      <translation>Speichern nicht möglich: %1</translation>
    </message>
    <message>
      <source>New relationship</source>
      <translation>Neue Beziehung</translation>
    </message>
    <message>
      <source>&amp;Person:</source>
      <translation>&amp;Person:</translation>
    </message>
    <message>
      <source>&amp;Relationship:</source>
      <translation>&amp;Beziehung:</translation>
    </message>
    <message>
      <source>&amp;To:</source>
      <translation>&amp;Bis:</translation>
    </message>
    <message>
      <source>&amp;Name (other):</source>
      <translation>&amp;Name (andere):</translation>
    </message>
    <message>
      <source>Name the &amp;other way:</source>
      <translation>&amp;Umgekehrt benennen:</translation>
    </message>
    <message>
      <source>N&amp;ote:</source>
      <translation>N&amp;otiz:</translation>
    </message>
    <message>
      <source>I know this person</source>
      <translation>Ich kenne diese Person</translation>
    </message>
    <message>
      <source>1 = met once, 5 = know each other well</source>
      <translation>1 = einmal getroffen, 5 = kennen uns gut</translation>
    </message>
    <message>
      <source>How &amp;well (1–5):</source>
      <translation>Wie &amp;gut (1–5):</translation>
    </message>
    <message>
      <source>&amp;Since:</source>
      <translation>&amp;Seit:</translation>
    </message>
    <message>
      <source>Add &amp;relationship…</source>
      <translation>&amp;Beziehung hinzufügen…</translation>
    </message>
    <message>
      <source>I &amp;know someone here…</source>
      <translation>Ich &amp;kenne hier jemanden…</translation>
    </message>
    <message>
      <source>&amp;Export map as PNG…</source>
      <translation>Karte als PNG &amp;exportieren…</translation>
    </message>
    <message>
      <source>&amp;Fit to window</source>
      <translation>An &amp;Fenster anpassen</translation>
    </message>
    <message>
      <source>Handover summary</source>
      <translation>Übergabe-Zusammenfassung</translation>
    </message>
    <message>
      <source>&amp;Mark handover as read</source>
      <translation>Übergabe als &amp;gelesen markieren</translation>
    </message>
    <message>
      <source>Handover note for the new owner…</source>
      <translation>Übergabenotiz für den neuen Betreuer…</translation>
    </message>
    <message>
      <source>Save handover &amp;note</source>
      <translation>Übergabe&amp;notiz speichern</translation>
    </message>
    <message>
      <source>Not saved</source>
      <translation>Nicht gespeichert</translation>
    </message>
    <message>
      <source>Export map</source>
      <translation>Karte exportieren</translation>
    </message>
    <message>
      <source>PNG images (*.png)</source>
      <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
      <source>From %1 to %2</source>
      <translation>Von %1 an %2</translation>
    </message>
    <message>
      <source>Handover: %1</source>
      <translation>Übergabe: %1</translation>
    </message>
    <message>
      <source>Note from the previous owner</source>
      <translation>Notiz des bisherigen Betreuers</translation>
    </message>
    <message>
      <source>People</source>
      <translation>Personen</translation>
    </message>
    <message>
      <source>last contact %1</source>
      <translation>letzter Kontakt %1</translation>
    </message>
    <message>
      <source>no contact yet</source>
      <translation>noch kein Kontakt</translation>
    </message>
    <message>
      <source>How they relate</source>
      <translation>Wie sie zueinander stehen</translation>
    </message>
    <message>
      <source>Who in the team knows whom</source>
      <translation>Wer im Team wen kennt</translation>
    </message>
    <message>
      <source>Last visits</source>
      <translation>Letzte Besuche</translation>
    </message>
    <message>
      <source>Open follow-ups</source>
      <translation>Offene Wiedervorlagen</translation>
    </message>
    <message>
      <source>never</source>
      <translation>nie</translation>
    </message>
    <message>
      <source>%1 (customer)</source>
      <translation>%1 (Kunde)</translation>
    </message>
    <message>
      <source>Who</source>
      <translation>Wer</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>Kunde</translation>
    </message>
    <message>
      <source>Every (days)</source>
      <translation>Alle (Tage)</translation>
    </message>
    <message>
      <source>Last contact</source>
      <translation>Letzter Kontakt</translation>
    </message>
    <message>
      <source>Days over</source>
      <translation>Tage überfällig</translation>
    </message>
    <message>
      <source>People and customers</source>
      <translation>Personen und Kunden</translation>
    </message>
    <message>
      <source>Customers</source>
      <translation>Kunden</translation>
    </message>
    <message>
      <source>Show</source>
      <translation>Anzeigen</translation>
    </message>
    <message>
      <source>Losing touch</source>
      <translation>Kontakt schläft ein</translation>
    </message>
    <message>
      <source>%1 — the %2 longest overdue of %3</source>
      <translation>%1 – die %2 am längsten überfälligen von %3</translation>
    </message>
  </context>
  <context>
    <name>ContactImport</name>
    <message>
      <source>The file is too large (at most 5 MB).</source>
      <translation>Die Datei ist zu groß (höchstens 5 MB).</translation>
    </message>
    <message>
      <source>The first line names no column for the last name (e.g. “Last name” or “Nachname”).</source>
      <translation>Die erste Zeile nennt keine Spalte für den Nachnamen (z. B. „Nachname“ oder „Last name“).</translation>
    </message>
    <message>
      <source>The file is empty.</source>
      <translation>Die Datei ist leer.</translation>
    </message>
    <message>
      <source>The file holds no contacts.</source>
      <translation>Die Datei enthält keine Kontakte.</translation>
    </message>
    <message>
      <source>The file holds no vCard.</source>
      <translation>Die Datei enthält keine vCard.</translation>
    </message>
    <message>
      <source>The file is not a readable vCard file.</source>
      <translation>Die Datei ist keine lesbare vCard-Datei.</translation>
    </message>
    <message>
      <source>The file is not a text file.</source>
      <translation>Die Datei ist keine Textdatei.</translation>
    </message>
    <message>
      <source>Looks like %1</source>
      <translation>Sieht aus wie %1</translation>
    </message>
    <message>
      <source>Line</source>
      <translation>Zeile</translation>
    </message>
    <message>
      <source>Problem</source>
      <translation>Problem</translation>
    </message>
    <message>
      <source>Import contacts into %1</source>
      <translation>Ansprechpartner in %1 importieren</translation>
    </message>
    <message>
      <source>Choose &amp;file…</source>
      <translation>&amp;Datei wählen…</translation>
    </message>
    <message>
      <source>A CSV file with a header line, or vCards (.vcf).</source>
      <translation>Eine CSV-Datei mit Kopfzeile oder vCards (.vcf).</translation>
    </message>
    <message>
      <source>Also import contacts that look like existing ones</source>
      <translation>Auch Ansprechpartner importieren, die vorhandenen ähneln</translation>
    </message>
    <message>
      <source>&amp;Import</source>
      <translation>&amp;Importieren</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
    <message>
      <source>Contacts file</source>
      <translation>Kontaktdatei</translation>
    </message>
    <message>
      <source>Contacts (*.csv *.vcf *.txt);;All files (*)</source>
      <translation>Kontakte (*.csv *.vcf *.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
      <source>The file cannot be read: %1</source>
      <translation>Die Datei kann nicht gelesen werden: %1</translation>
    </message>
    <message>
      <source>The file cannot be read.</source>
      <translation>Die Datei kann nicht gelesen werden.</translation>
    </message>
    <message>
      <source>%1 contacts will be imported; %2 lines have errors and are left out; %3 look like existing contacts.</source>
      <translation>%1 Ansprechpartner werden importiert; %2 Zeilen haben Fehler und werden ausgelassen; %3 ähneln vorhandenen Ansprechpartnern.</translation>
    </message>
  </context>
  <context>
    <name>CorrectionDialogs</name>
    <message>
      <source>Only a planned visit can be cancelled; a visit that took place cannot be moved.</source>
      <translation>Nur ein geplanter Besuch kann abgesagt werden; ein stattgefundener Besuch kann nicht verschoben werden.</translation>
    </message>
    <message>
      <source>This record no longer exists (deleted, perhaps on another laptop).</source>
      <translation>Diesen Datensatz gibt es nicht mehr (gelöscht, vielleicht auf einem anderen Laptop).</translation>
    </message>
    <message>
      <source>This follow-up no longer exists.</source>
      <translation>Diese Wiedervorlage gibt es nicht mehr.</translation>
    </message>
    <message>
      <source>This follow-up is done already.</source>
      <translation>Diese Wiedervorlage ist schon erledigt.</translation>
    </message>
    <message>
      <source>Only the person who wrote it can change it.</source>
      <translation>Nur wer es geschrieben hat, kann es ändern.</translation>
    </message>
    <message>
      <source>Edit contact</source>
      <translation>Ansprechpartner bearbeiten</translation>
    </message>
    <message>
      <source>Edit note</source>
      <translation>Notiz bearbeiten</translation>
    </message>
    <message>
      <source>Edit follow-up</source>
      <translation>Wiedervorlage bearbeiten</translation>
    </message>
    <message>
      <source>Ask someone to do something</source>
      <translation>Jemanden um etwas bitten</translation>
    </message>
    <message>
      <source>Cancel the visit: %1</source>
      <translation>Besuch absagen: %1</translation>
    </message>
    <message>
      <source>Cancel the visit</source>
      <translation>Besuch absagen</translation>
    </message>
    <message>
      <source>Move the visit</source>
      <translation>Besuch verschieben</translation>
    </message>
    <message>
      <source>Decline: %1</source>
      <translation>Ablehnen: %1</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>Löschen</translation>
    </message>
    <message>
      <source>Delete %1? You can undo it (Ctrl+Z) or restore it from the trash.</source>
      <translation>%1 löschen? Sie können es rückgängig machen (Strg+Z) oder aus dem Papierkorb wiederherstellen.</translation>
    </message>
  </context>
  <context>
    <name>CustomerCorrections</name>
    <message>
      <source>Edit…</source>
      <translation>Bearbeiten…</translation>
    </message>
    <message>
      <source>Edit the selected note, visit, contact or follow-up</source>
      <translation>Die gewählte Notiz, den Besuch, Ansprechpartner oder die Wiedervorlage bearbeiten</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>Löschen</translation>
    </message>
    <message>
      <source>Cancel visit…</source>
      <translation>Besuch absagen…</translation>
    </message>
    <message>
      <source>Ask someone…</source>
      <translation>Jemanden bitten…</translation>
    </message>
    <message>
      <source>Ask a teammate or a rep of your area to do something</source>
      <translation>Eine Kollegin, einen Kollegen oder einen Außendienstler Ihres Bereichs um etwas bitten</translation>
    </message>
    <message>
      <source>this contact (its relationships go with it)</source>
      <translation>diesen Ansprechpartner (seine Beziehungen werden mitgelöscht)</translation>
    </message>
    <message>
      <source>this note</source>
      <translation>diese Notiz</translation>
    </message>
    <message>
      <source>this visit (its feedback goes with it)</source>
      <translation>diesen Besuch (sein Feedback wird mitgelöscht)</translation>
    </message>
    <message>
      <source>this follow-up</source>
      <translation>diese Wiedervorlage</translation>
    </message>
    <message>
      <source>Choose a planned visit on the timeline first.</source>
      <translation>Wählen Sie zuerst einen geplanten Besuch im Verlauf.</translation>
    </message>
  </context>
  <context>
    <name>CustomerModel</name>
    <message>
      <source>Number</source>
      <translation>Nummer</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>Name</translation>
    </message>
    <message>
      <source>City</source>
      <translation>Ort</translation>
    </message>
    <message>
      <source>Territory</source>
      <translation>Gebiet</translation>
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
      <translation>Letzter Besuch</translation>
    </message>
  </context>
  <context>
    <name>Dialogs</name>
    <message>
      <source>Edit customer</source>
      <translation>Kunde bearbeiten</translation>
    </message>
    <message>
      <source>New customer</source>
      <translation>Neuer Kunde</translation>
    </message>
    <message>
      <source>New contact</source>
      <translation>Neuer Ansprechpartner</translation>
    </message>
    <message>
      <source>New note</source>
      <translation>Neue Notiz</translation>
    </message>
    <message>
      <source>New follow-up</source>
      <translation>Neue Wiedervorlage</translation>
    </message>
    <message>
      <source>Plan a visit: %1</source>
      <translation>Besuch planen: %1</translation>
    </message>
    <message>
      <source>I know when the visit really took place</source>
      <translation>Ich weiß, wann der Besuch wirklich stattfand</translation>
    </message>
    <message>
      <source>Not checked in: without the real times the visit keeps no duration.</source>
      <translation>Nicht eingecheckt: Ohne die tatsächlichen Zeiten hat der Besuch keine Dauer.</translation>
    </message>
    <message>
      <source>Began:</source>
      <translation>Begann:</translation>
    </message>
    <message>
      <source>Ended:</source>
      <translation>Endete:</translation>
    </message>
    <message>
      <source>Attending contacts</source>
      <translation>Teilnehmende Ansprechpartner</translation>
    </message>
    <message>
      <source>Create a follow-up from the next steps</source>
      <translation>Wiedervorlage aus den nächsten Schritten anlegen</translation>
    </message>
    <message>
      <source>Follow-up title</source>
      <translation>Titel der Wiedervorlage</translation>
    </message>
    <message>
      <source>Follow-up due date</source>
      <translation>Fälligkeit der Wiedervorlage</translation>
    </message>
    <message>
      <source>Follow-up title:</source>
      <translation>Wiedervorlage:</translation>
    </message>
    <message>
      <source>Due:</source>
      <translation>Fällig:</translation>
    </message>
    <message>
      <source>Visit report: %1</source>
      <translation>Besuchsbericht: %1</translation>
    </message>
  </context>
  <context>
    <name>Duplicates</name>
    <message>
      <source>Same phone number</source>
      <translation>Gleiche Telefonnummer</translation>
    </message>
    <message>
      <source>Same e-mail address</source>
      <translation>Gleiche E-Mail-Adresse</translation>
    </message>
    <message>
      <source>Similar name</source>
      <translation>Ähnlicher Name</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>Name</translation>
    </message>
    <message>
      <source>Where</source>
      <translation>Wo</translation>
    </message>
    <message>
      <source>Why</source>
      <translation>Warum</translation>
    </message>
    <message>
      <source>This customer may exist already</source>
      <translation>Diesen Kunden gibt es vielleicht schon</translation>
    </message>
    <message>
      <source>A customer like this is on this laptop already. Open it instead?</source>
      <translation>Ein solcher Kunde ist bereits auf diesem Laptop. Stattdessen diesen öffnen?</translation>
    </message>
    <message>
      <source>This contact may exist already</source>
      <translation>Diesen Ansprechpartner gibt es vielleicht schon</translation>
    </message>
    <message>
      <source>A contact like this is on this laptop already. Open it instead?</source>
      <translation>Ein solcher Ansprechpartner ist bereits auf diesem Laptop. Stattdessen diesen öffnen?</translation>
    </message>
    <message>
      <source>&amp;Open existing</source>
      <translation>Vorhandenen &amp;öffnen</translation>
    </message>
    <message>
      <source>&amp;Save as new</source>
      <translation>Als &amp;neu speichern</translation>
    </message>
    <message>
      <source>&amp;Back</source>
      <translation>&amp;Zurück</translation>
    </message>
  </context>
  <context>
    <name>EditMenu</name>
    <message>
      <source>New customer</source>
      <translation>Neuer Kunde</translation>
    </message>
    <message>
      <source>Edit customer</source>
      <translation>Kunde bearbeiten</translation>
    </message>
    <message>
      <source>Delete customer</source>
      <translation>Kunde löschen</translation>
    </message>
    <message>
      <source>New contact</source>
      <translation>Neuer Ansprechpartner</translation>
    </message>
    <message>
      <source>Edit contact</source>
      <translation>Ansprechpartner bearbeiten</translation>
    </message>
    <message>
      <source>Delete contact</source>
      <translation>Ansprechpartner löschen</translation>
    </message>
    <message>
      <source>New note</source>
      <translation>Neue Notiz</translation>
    </message>
    <message>
      <source>Edit note</source>
      <translation>Notiz bearbeiten</translation>
    </message>
    <message>
      <source>Delete note</source>
      <translation>Notiz löschen</translation>
    </message>
    <message>
      <source>New follow-up</source>
      <translation>Neue Wiedervorlage</translation>
    </message>
    <message>
      <source>Edit follow-up</source>
      <translation>Wiedervorlage bearbeiten</translation>
    </message>
    <message>
      <source>Delete follow-up</source>
      <translation>Wiedervorlage löschen</translation>
    </message>
    <message>
      <source>Mark follow-up done</source>
      <translation>Wiedervorlage erledigt</translation>
    </message>
    <message>
      <source>Ask someone</source>
      <translation>Jemanden bitten</translation>
    </message>
    <message>
      <source>Plan visit</source>
      <translation>Besuch planen</translation>
    </message>
    <message>
      <source>Check in</source>
      <translation>Einchecken</translation>
    </message>
    <message>
      <source>Cancel visit</source>
      <translation>Besuch absagen</translation>
    </message>
    <message>
      <source>Move visit</source>
      <translation>Besuch verschieben</translation>
    </message>
    <message>
      <source>Correct report</source>
      <translation>Bericht korrigieren</translation>
    </message>
    <message>
      <source>Delete visit</source>
      <translation>Besuch löschen</translation>
    </message>
    <message>
      <source>Edit relationship</source>
      <translation>Beziehung bearbeiten</translation>
    </message>
    <message>
      <source>Delete relationship</source>
      <translation>Beziehung löschen</translation>
    </message>
    <message>
      <source>Withdraw "I know this person"</source>
      <translation>„Ich kenne diese Person“ zurückziehen</translation>
    </message>
    <message>
      <source>Attach file</source>
      <translation>Datei anhängen</translation>
    </message>
    <message>
      <source>Rename file</source>
      <translation>Datei umbenennen</translation>
    </message>
    <message>
      <source>Delete file</source>
      <translation>Datei löschen</translation>
    </message>
    <message>
      <source>Restore</source>
      <translation>Wiederherstellen</translation>
    </message>
    <message>
      <source>Could not undo: %1</source>
      <translation>Rückgängig nicht möglich: %1</translation>
    </message>
    <message>
      <source>&amp;Edit</source>
      <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
      <source>Edit</source>
      <translation>Bearbeiten</translation>
    </message>
    <message>
      <source>&amp;Undo %1</source>
      <translation>&amp;Rückgängig: %1</translation>
    </message>
    <message>
      <source>&amp;Undo</source>
      <translation>&amp;Rückgängig</translation>
    </message>
    <message>
      <source>&amp;Trash</source>
      <translation>&amp;Papierkorb</translation>
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
      <translation>zum Besuch bei %1 (%2)</translation>
    </message>
    <message>
      <source>acknowledged the report</source>
      <translation>hat den Bericht bestätigt</translation>
    </message>
  </context>
  <context>
    <name>FeedbackThread</name>
    <message>
      <source>Feedback on this visit report</source>
      <translation>Feedback zu diesem Besuchsbericht</translation>
    </message>
    <message>
      <source>Write a comment or a reply…</source>
      <translation>Kommentar oder Antwort schreiben…</translation>
    </message>
    <message>
      <source>Comment</source>
      <translation>Kommentar</translation>
    </message>
    <message>
      <source>&amp;Send</source>
      <translation>&amp;Senden</translation>
    </message>
    <message>
      <source>&amp;Acknowledge report</source>
      <translation>Bericht &amp;bestätigen</translation>
    </message>
    <message>
      <source>Choose a visit report to see its feedback.</source>
      <translation>Wählen Sie einen Besuchsbericht, um das Feedback zu sehen.</translation>
    </message>
    <message>
      <source>Visit at %1 on %2</source>
      <translation>Besuch bei %1 am %2</translation>
    </message>
    <message>
      <source>No report written yet.</source>
      <translation>Noch kein Bericht geschrieben.</translation>
    </message>
    <message>
      <source>Write something first.</source>
      <translation>Bitte zuerst etwas schreiben.</translation>
    </message>
    <message>
      <source>Could not save: %1</source>
      <translation>Speichern nicht möglich: %1</translation>
    </message>
  </context>
  <context>
    <name>Fields</name>
    <message>
      <source>Number</source>
      <translation>Nummer</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>Name</translation>
    </message>
    <message>
      <source>Street</source>
      <translation>Straße</translation>
    </message>
    <message>
      <source>Postal code</source>
      <translation>PLZ</translation>
    </message>
    <message>
      <source>City</source>
      <translation>Ort</translation>
    </message>
    <message>
      <source>Country</source>
      <translation>Land</translation>
    </message>
    <message>
      <source>Phone</source>
      <translation>Telefon</translation>
    </message>
    <message>
      <source>Mobile</source>
      <translation>Mobil</translation>
    </message>
    <message>
      <source>E-mail</source>
      <translation>E-Mail</translation>
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
      <translation>Besuch alle (Tage)</translation>
    </message>
    <message>
      <source>First name</source>
      <translation>Vorname</translation>
    </message>
    <message>
      <source>Last name</source>
      <translation>Nachname</translation>
    </message>
    <message>
      <source>Job title</source>
      <translation>Funktion</translation>
    </message>
    <message>
      <source>Planned start</source>
      <translation>Geplanter Beginn</translation>
    </message>
    <message>
      <source>Planned end</source>
      <translation>Geplantes Ende</translation>
    </message>
    <message>
      <source>Checked in</source>
      <translation>Eingecheckt</translation>
    </message>
    <message>
      <source>Checked out</source>
      <translation>Ausgecheckt</translation>
    </message>
    <message>
      <source>Channel</source>
      <translation>Kanal</translation>
    </message>
    <message>
      <source>Purpose</source>
      <translation>Anlass</translation>
    </message>
    <message>
      <source>Outcome</source>
      <translation>Ergebnis</translation>
    </message>
    <message>
      <source>Report</source>
      <translation>Bericht</translation>
    </message>
    <message>
      <source>Next steps</source>
      <translation>Nächste Schritte</translation>
    </message>
    <message>
      <source>Attending contacts</source>
      <translation>Teilnehmende Ansprechpartner</translation>
    </message>
    <message>
      <source>Fixed time</source>
      <translation>Fester Termin</translation>
    </message>
    <message>
      <source>Text</source>
      <translation>Text</translation>
    </message>
    <message>
      <source>Title</source>
      <translation>Titel</translation>
    </message>
    <message>
      <source>Due date</source>
      <translation>Fällig am</translation>
    </message>
    <message>
      <source>Done at</source>
      <translation>Erledigt am</translation>
    </message>
    <message>
      <source>Who does it</source>
      <translation>Wer erledigt es</translation>
    </message>
    <message>
      <source>Why cancelled</source>
      <translation>Grund der Absage</translation>
    </message>
    <message>
      <source>Reason</source>
      <translation>Grund</translation>
    </message>
  </context>
  <context>
    <name>Forms</name>
    <message>
      <source>Unsaved changes</source>
      <translation>Ungespeicherte Änderungen</translation>
    </message>
    <message>
      <source>You have unsaved changes. Discard them?</source>
      <translation>Sie haben ungespeicherte Änderungen. Verwerfen?</translation>
    </message>
    <message>
      <source>Discard</source>
      <translation>Verwerfen</translation>
    </message>
    <message>
      <source>Keep editing</source>
      <translation>Weiter bearbeiten</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
  </context>
  <context>
    <name>Inbox</name>
    <message>
      <source>Bulletin</source>
      <translation>Rundschreiben</translation>
    </message>
    <message>
      <source>Request</source>
      <translation>Bitte</translation>
    </message>
    <message>
      <source>Answer to your request</source>
      <translation>Antwort auf Ihre Bitte</translation>
    </message>
    <message>
      <source>Feedback</source>
      <translation>Feedback</translation>
    </message>
    <message>
      <source>Question or answer</source>
      <translation>Frage oder Antwort</translation>
    </message>
    <message>
      <source>All</source>
      <translation>Alles</translation>
    </message>
    <message>
      <source>Bulletins</source>
      <translation>Rundschreiben</translation>
    </message>
    <message>
      <source>Requests and answers</source>
      <translation>Bitten und Antworten</translation>
    </message>
    <message>
      <source>Feedback on reports</source>
      <translation>Feedback zu Berichten</translation>
    </message>
    <message>
      <source>Questions and answers</source>
      <translation>Fragen und Antworten</translation>
    </message>
    <message>
      <source>(please confirm by %1)</source>
      <translation>(bitte bis %1 bestätigen)</translation>
    </message>
    <message>
      <source>Inbox</source>
      <translation>Posteingang</translation>
    </message>
    <message>
      <source>Show</source>
      <translation>Anzeigen</translation>
    </message>
    <message>
      <source>&amp;Unread only</source>
      <translation>Nur &amp;ungelesene</translation>
    </message>
    <message>
      <source>Nothing here.</source>
      <translation>Nichts vorhanden.</translation>
    </message>
    <message>
      <source>Mark feedback and questions as &amp;read</source>
      <translation>Feedback und Fragen als &amp;gelesen markieren</translation>
    </message>
    <message>
      <source>Inbox — %1 unread</source>
      <translation>Posteingang — %1 ungelesen</translation>
    </message>
    <message>
      <source>&amp;Accept</source>
      <translation>&amp;Annehmen</translation>
    </message>
    <message>
      <source>&amp;Decline…</source>
      <translation>&amp;Ablehnen…</translation>
    </message>
    <message>
      <source>D&amp;one</source>
      <translation>&amp;Erledigt</translation>
    </message>
    <message>
      <source>Customer: %1</source>
      <translation>Kunde: %1</translation>
    </message>
    <message>
      <source>Due: %1</source>
      <translation>Fällig: %1</translation>
    </message>
    <message>
      <source>Asked by %1 of %2</source>
      <translation>%1 hat %2 gebeten</translation>
    </message>
    <message>
      <source>Answer: %1</source>
      <translation>Antwort: %1</translation>
    </message>
    <message>
      <source>Could not answer: %1</source>
      <translation>Antwort nicht möglich: %1</translation>
    </message>
  </context>
  <context>
    <name>InboxPage</name>
    <message>
      <source>Inbox</source>
      <translation>Posteingang</translation>
    </message>
    <message>
      <source>Documents shelf</source>
      <translation>Dokumentenablage</translation>
    </message>
    <message>
      <source>Choose something from the inbox.</source>
      <translation>Wählen Sie etwas aus dem Posteingang.</translation>
    </message>
    <message>
      <source>&amp;New bulletin…</source>
      <translation>&amp;Neues Rundschreiben…</translation>
    </message>
  </context>
  <context>
    <name>Labels</name>
    <message>
      <source>Prospect</source>
      <translation>Interessent</translation>
    </message>
    <message>
      <source>Active</source>
      <translation>Aktiv</translation>
    </message>
    <message>
      <source>Inactive</source>
      <translation>Inaktiv</translation>
    </message>
    <message>
      <source>Planned</source>
      <translation>Geplant</translation>
    </message>
    <message>
      <source>Done</source>
      <translation>Erledigt</translation>
    </message>
    <message>
      <source>Cancelled</source>
      <translation>Abgesagt</translation>
    </message>
    <message>
      <source>In person</source>
      <translation>Vor Ort</translation>
    </message>
    <message>
      <source>Phone</source>
      <translation>Telefon</translation>
    </message>
    <message>
      <source>Video call</source>
      <translation>Videoanruf</translation>
    </message>
    <message>
      <source>Order</source>
      <translation>Bitte</translation>
    </message>
    <message>
      <source>Opportunity</source>
      <translation>Verkaufschance</translation>
    </message>
    <message>
      <source>Information</source>
      <translation>Information</translation>
    </message>
    <message>
      <source>No interest</source>
      <translation>Kein Interesse</translation>
    </message>
    <message>
      <source>Not reached</source>
      <translation>Nicht erreicht</translation>
    </message>
    <message>
      <source>New record</source>
      <translation>Neuer Datensatz</translation>
    </message>
    <message>
      <source>Change</source>
      <translation>Änderung</translation>
    </message>
    <message>
      <source>Deletion</source>
      <translation>Löschung</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>Kunde</translation>
    </message>
    <message>
      <source>Contact</source>
      <translation>Ansprechpartner</translation>
    </message>
    <message>
      <source>Visit</source>
      <translation>Besuch</translation>
    </message>
    <message>
      <source>Note</source>
      <translation>Notiz</translation>
    </message>
    <message>
      <source>Follow-up</source>
      <translation>Wiedervorlage</translation>
    </message>
    <message>
      <source>Comment</source>
      <translation>Kommentar</translation>
    </message>
    <message>
      <source>Relationship</source>
      <translation>Beziehung</translation>
    </message>
    <message>
      <source>Connection</source>
      <translation>Kontakt im Team</translation>
    </message>
    <message>
      <source>Handover</source>
      <translation>Übergabe</translation>
    </message>
    <message>
      <source>Attachment</source>
      <translation>Anhang</translation>
    </message>
    <message>
      <source>Territory</source>
      <translation>Gebiet</translation>
    </message>
    <message>
      <source>User</source>
      <translation>Benutzer</translation>
    </message>
  </context>
  <context>
    <name>LockScreen</name>
    <message>
      <source>FieldCRM is locked</source>
      <translation>FieldCRM ist gesperrt</translation>
    </message>
    <message>
      <source>Enter your password to go on.</source>
      <translation>Geben Sie Ihr Passwort ein, um weiterzuarbeiten.</translation>
    </message>
    <message>
      <source>Password</source>
      <translation>Passwort</translation>
    </message>
    <message>
      <source>Unlock</source>
      <translation>Entsperren</translation>
    </message>
    <message>
      <source>Forgot it? Sign in again</source>
      <translation>Vergessen? Erneut anmelden</translation>
    </message>
    <message>
      <source>Wrong password. Try again, or sign in again.</source>
      <translation>Falsches Passwort. Versuchen Sie es erneut oder melden Sie sich erneut an.</translation>
    </message>
  </context>
  <context>
    <name>LoginDialog</name>
    <message>
      <source>Sign in to FieldCRM</source>
      <translation>Bei FieldCRM anmelden</translation>
    </message>
    <message>
      <source>Sign in once; afterwards FieldCRM also works without a network.</source>
      <translation>Einmal anmelden – danach arbeitet FieldCRM auch ohne Netz.</translation>
    </message>
    <message>
      <source>Server address</source>
      <translation>Serveradresse</translation>
    </message>
    <message>
      <source>Set by your IT department</source>
      <translation>Von Ihrer IT festgelegt</translation>
    </message>
    <message>
      <source>User name</source>
      <translation>Benutzername</translation>
    </message>
    <message>
      <source>Password</source>
      <translation>Passwort</translation>
    </message>
    <message>
      <source>Server:</source>
      <translation>Server:</translation>
    </message>
    <message>
      <source>User name:</source>
      <translation>Benutzername:</translation>
    </message>
    <message>
      <source>Password:</source>
      <translation>Passwort:</translation>
    </message>
    <message>
      <source>Sign in</source>
      <translation>Anmelden</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
    <message>
      <source>Please enter the server address, your user name and password.</source>
      <translation>Bitte Serveradresse, Benutzernamen und Passwort eingeben.</translation>
    </message>
    <message>
      <source>The server cannot be reached. Check the address and your network.</source>
      <translation>Der Server ist nicht erreichbar. Bitte Adresse und Netzverbindung prüfen.</translation>
    </message>
    <message>
      <source>Sign-in failed: %1</source>
      <translation>Anmeldung fehlgeschlagen: %1</translation>
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
      <translation>Synchronisieren</translation>
    </message>
    <message>
      <source>Sync now (F5)</source>
      <translation>Jetzt synchronisieren (F5)</translation>
    </message>
    <message>
      <source>New customer</source>
      <translation>Neuer Kunde</translation>
    </message>
    <message>
      <source>New customer (Ctrl+N)</source>
      <translation>Neuer Kunde (Strg+N)</translation>
    </message>
    <message>
      <source>New visit</source>
      <translation>Neuer Besuch</translation>
    </message>
    <message>
      <source>Plan a new visit (Ctrl+Shift+V)</source>
      <translation>Neuen Besuch planen (Strg+Umschalt+V)</translation>
    </message>
    <message>
      <source>New note</source>
      <translation>Neue Notiz</translation>
    </message>
    <message>
      <source>New note (Ctrl+Shift+N)</source>
      <translation>Neue Notiz (Strg+Umschalt+N)</translation>
    </message>
    <message>
      <source>Search</source>
      <translation>Suchen</translation>
    </message>
    <message>
      <source>Search customers (Ctrl+F)</source>
      <translation>Kunden suchen (Strg+F)</translation>
    </message>
    <message>
      <source>Settings</source>
      <translation>Einstellungen</translation>
    </message>
    <message>
      <source>About</source>
      <translation>Über</translation>
    </message>
    <message>
      <source>FieldCRM and server versions (F1)</source>
      <translation>Versionen von FieldCRM und Server (F1)</translation>
    </message>
    <message>
      <source>Sync progress</source>
      <translation>Fortschritt der Synchronisierung</translation>
    </message>
    <message>
      <source>● Not yet synced</source>
      <translation>● Noch nicht synchronisiert</translation>
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
      <translation>%1 Änderungen zu senden</translation>
    </message>
    <message>
      <source>1 change to send</source>
      <translation>1 Änderung zu senden</translation>
    </message>
    <message>
      <source>Last sync: %1</source>
      <translation>Letzte Synchronisierung: %1</translation>
    </message>
    <message>
      <source>Never synced</source>
      <translation>Noch nie synchronisiert</translation>
    </message>
    <message>
      <source>Sync failed: %1</source>
      <translation>Synchronisierung fehlgeschlagen: %1</translation>
    </message>
    <message>
      <source>Sign in…</source>
      <translation>Anmelden…</translation>
    </message>
    <message>
      <source>Sign in to the server again</source>
      <translation>Erneut beim Server anmelden</translation>
    </message>
    <message>
      <source>Retry</source>
      <translation>Erneut versuchen</translation>
    </message>
    <message>
      <source>Retry the sync</source>
      <translation>Synchronisierung erneut versuchen</translation>
    </message>
    <message>
      <source>Sign-in failed: %1</source>
      <translation>Anmeldung fehlgeschlagen: %1</translation>
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
      <translation>nicht eingerichtet</translation>
    </message>
    <message>
      <source>Server version: {version}</source>
      <translation>Serverversion: {version}</translation>
    </message>
    <message>
      <source>not known yet (it is learnt on sync)</source>
      <translation>noch unbekannt (wird beim Synchronisieren ermittelt)</translation>
    </message>
    <message>
      <source>About FieldCRM</source>
      <translation>Über FieldCRM</translation>
    </message>
    <message>
      <source>FieldCRM %1</source>
      <translation>FieldCRM %1</translation>
    </message>
    <message>
      <source>Today</source>
      <translation>Heute</translation>
    </message>
    <message>
      <source>Customers</source>
      <translation>Kunden</translation>
    </message>
    <message>
      <source>Visits</source>
      <translation>Besuche</translation>
    </message>
    <message>
      <source>Route and map</source>
      <translation>Route und Karte</translation>
    </message>
    <message>
      <source>Inbox (%1)</source>
      <translation>Posteingang (%1)</translation>
    </message>
    <message>
      <source>Inbox</source>
      <translation>Posteingang</translation>
    </message>
    <message>
      <source>Reports</source>
      <translation>Auswertungen</translation>
    </message>
    <message>
      <source>My area</source>
      <translation>Mein Bereich</translation>
    </message>
    <message>
      <source>Conflicts (%1)</source>
      <translation>Konflikte (%1)</translation>
    </message>
    <message>
      <source>Conflicts</source>
      <translation>Konflikte</translation>
    </message>
    <message>
      <source>Rejected changes (%1)</source>
      <translation>Abgelehnte Änderungen (%1)</translation>
    </message>
    <message>
      <source>Rejected changes</source>
      <translation>Abgelehnte Änderungen</translation>
    </message>
    <message>
      <source>Trash</source>
      <translation>Papierkorb</translation>
    </message>
  </context>
  <context>
    <name>ManagerView</name>
    <message>
      <source>never synced</source>
      <translation>nie synchronisiert</translation>
    </message>
    <message>
      <source>Territories and reps</source>
      <translation>Gebiete und Außendienst</translation>
    </message>
    <message>
      <source>Visit reports to review</source>
      <translation>Zu prüfende Besuchsberichte</translation>
    </message>
    <message>
      <source>Visit report</source>
      <translation>Besuchsbericht</translation>
    </message>
    <message>
      <source>Visit reports</source>
      <translation>Besuchsberichte</translation>
    </message>
    <message>
      <source>Reports</source>
      <translation>Auswertungen</translation>
    </message>
    <message>
      <source>Area</source>
      <translation>Bereich</translation>
    </message>
    <message>
      <source>Territory / rep</source>
      <translation>Gebiet / Außendienst</translation>
    </message>
    <message>
      <source>Data as of</source>
      <translation>Datenstand</translation>
    </message>
    <message>
      <source>Customers</source>
      <translation>Kunden</translation>
    </message>
    <message>
      <source>Done (7 days)</source>
      <translation>Erledigt (7 Tage)</translation>
    </message>
    <message>
      <source>Planned (7 days)</source>
      <translation>Geplant (7 Tage)</translation>
    </message>
    <message>
      <source>Open follow-ups</source>
      <translation>Offene Wiedervorlagen</translation>
    </message>
    <message>
      <source>Overdue</source>
      <translation>Überfällig</translation>
    </message>
    <message>
      <source>Report</source>
      <translation>Bericht</translation>
    </message>
    <message>
      <source>Next steps</source>
      <translation>Nächste Schritte</translation>
    </message>
  </context>
  <context>
    <name>PeoplePages</name>
    <message>
      <source>Sign in to see this page.</source>
      <translation>Melden Sie sich an, um diese Seite zu sehen.</translation>
    </message>
  </context>
  <context>
    <name>RecentReportsModel</name>
    <message>
      <source>Date</source>
      <translation>Datum</translation>
    </message>
    <message>
      <source>Rep</source>
      <translation>Außendienst</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>Kunde</translation>
    </message>
    <message>
      <source>Outcome</source>
      <translation>Ergebnis</translation>
    </message>
    <message>
      <source>Feedback</source>
      <translation>Feedback</translation>
    </message>
    <message>
      <source>acknowledged</source>
      <translation>bestätigt</translation>
    </message>
    <message>
      <source>1 comment</source>
      <translation>1 Kommentar</translation>
    </message>
    <message>
      <source>%1 comments</source>
      <translation>%1 Kommentare</translation>
    </message>
    <message>
      <source>awaiting feedback</source>
      <translation>wartet auf Feedback</translation>
    </message>
  </context>
  <context>
    <name>RelationshipMap</name>
    <message>
      <source>Relationship map</source>
      <translation>Beziehungskarte</translation>
    </message>
    <message>
      <source>our team</source>
      <translation>unser Team</translation>
    </message>
    <message>
      <source>%1 knows this person (%2 of 5)</source>
      <translation>%1 kennt diese Person (%2 von 5)</translation>
    </message>
  </context>
  <context>
    <name>Relationships</name>
    <message>
      <source>reports to</source>
      <translation>berichtet an</translation>
    </message>
    <message>
      <source>manages</source>
      <translation>leitet</translation>
    </message>
    <message>
      <source>is assistant of</source>
      <translation>ist Assistenz von</translation>
    </message>
    <message>
      <source>has as assistant</source>
      <translation>hat als Assistenz</translation>
    </message>
    <message>
      <source>is a colleague of</source>
      <translation>ist Kollege/Kollegin von</translation>
    </message>
    <message>
      <source>decides for</source>
      <translation>entscheidet für</translation>
    </message>
    <message>
      <source>is decided for by</source>
      <translation>wird entschieden von</translation>
    </message>
    <message>
      <source>influences</source>
      <translation>beeinflusst</translation>
    </message>
    <message>
      <source>is influenced by</source>
      <translation>wird beeinflusst von</translation>
    </message>
    <message>
      <source>relates to</source>
      <translation>steht in Beziehung zu</translation>
    </message>
  </context>
  <context>
    <name>Reminders</name>
    <message>
      <source>Visit at %1</source>
      <translation>Besuch um %1</translation>
    </message>
    <message>
      <source>Follow-up due today</source>
      <translation>Wiedervorlage heute fällig</translation>
    </message>
    <message>
      <source>Remind me again in %1 minutes</source>
      <translation>In %1 Minuten erneut erinnern</translation>
    </message>
    <message>
      <source>%1 reminders</source>
      <translation>%1 Erinnerungen</translation>
    </message>
  </context>
  <context>
    <name>Reports</name>
    <message>
      <source>Visits per rep and week</source>
      <translation>Besuche je Außendienst und Woche</translation>
    </message>
    <message>
      <source>Coverage: customers visited within their cadence</source>
      <translation>Abdeckung: Kunden im Besuchsrhythmus besucht</translation>
    </message>
    <message>
      <source>Overdue customers</source>
      <translation>Überfällige Kunden</translation>
    </message>
    <message>
      <source>Visit outcomes</source>
      <translation>Besuchsergebnisse</translation>
    </message>
    <message>
      <source>Average visit duration</source>
      <translation>Durchschnittliche Besuchsdauer</translation>
    </message>
    <message>
      <source>Follow-ups open and overdue</source>
      <translation>Offene und überfällige Wiedervorlagen</translation>
    </message>
    <message>
      <source>Rep</source>
      <translation>Außendienst</translation>
    </message>
    <message>
      <source>Week</source>
      <translation>Woche</translation>
    </message>
    <message>
      <source>Planned</source>
      <translation>Geplant</translation>
    </message>
    <message>
      <source>Done</source>
      <translation>Erledigt</translation>
    </message>
    <message>
      <source>Cancelled</source>
      <translation>Abgesagt</translation>
    </message>
    <message>
      <source>Total</source>
      <translation>Gesamt</translation>
    </message>
    <message>
      <source>Level</source>
      <translation>Ebene</translation>
    </message>
    <message>
      <source>Territory or rep</source>
      <translation>Gebiet oder Außendienst</translation>
    </message>
    <message>
      <source>Customers with cadence</source>
      <translation>Kunden mit Besuchsrhythmus</translation>
    </message>
    <message>
      <source>Visited within cadence</source>
      <translation>Im Rhythmus besucht</translation>
    </message>
    <message>
      <source>Coverage</source>
      <translation>Abdeckung</translation>
    </message>
    <message>
      <source>Number</source>
      <translation>Nummer</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>Kunde</translation>
    </message>
    <message>
      <source>City</source>
      <translation>Ort</translation>
    </message>
    <message>
      <source>Territory</source>
      <translation>Gebiet</translation>
    </message>
    <message>
      <source>Owner</source>
      <translation>Betreuer</translation>
    </message>
    <message>
      <source>Cadence (days)</source>
      <translation>Rhythmus (Tage)</translation>
    </message>
    <message>
      <source>Last visit</source>
      <translation>Letzter Besuch</translation>
    </message>
    <message>
      <source>Days over cadence</source>
      <translation>Tage über Rhythmus</translation>
    </message>
    <message>
      <source>Outcome</source>
      <translation>Ergebnis</translation>
    </message>
    <message>
      <source>Visits</source>
      <translation>Besuche</translation>
    </message>
    <message>
      <source>Share</source>
      <translation>Anteil</translation>
    </message>
    <message>
      <source>Visits with check-in and check-out</source>
      <translation>Besuche mit Check-in und Check-out</translation>
    </message>
    <message>
      <source>Over 12 hours (not averaged)</source>
      <translation>Über 12 Stunden (nicht gemittelt)</translation>
    </message>
    <message>
      <source>Average minutes</source>
      <translation>Minuten im Schnitt</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>Offen</translation>
    </message>
    <message>
      <source>Overdue</source>
      <translation>Überfällig</translation>
    </message>
    <message>
      <source>Order</source>
      <translation>Bitte</translation>
    </message>
    <message>
      <source>Opportunity</source>
      <translation>Verkaufschance</translation>
    </message>
    <message>
      <source>Information</source>
      <translation>Information</translation>
    </message>
    <message>
      <source>No interest</source>
      <translation>Kein Interesse</translation>
    </message>
    <message>
      <source>Not reached</source>
      <translation>Nicht erreicht</translation>
    </message>
    <message>
      <source>No outcome</source>
      <translation>Kein Ergebnis</translation>
    </message>
    <message>
      <source>never</source>
      <translation>nie</translation>
    </message>
    <message>
      <source>No data for this selection.</source>
      <translation>Keine Daten für diese Auswahl.</translation>
    </message>
    <message>
      <source>Period: %1 – %2</source>
      <translation>Zeitraum: %1 – %2</translation>
    </message>
    <message>
      <source>Filters: %1</source>
      <translation>Filter: %1</translation>
    </message>
    <message>
      <source>none</source>
      <translation>keine</translation>
    </message>
    <message>
      <source>Generated: %1</source>
      <translation>Erstellt: %1</translation>
    </message>
    <message>
      <source>Data as of: %1</source>
      <translation>Datenstand: %1</translation>
    </message>
    <message>
      <source>never synced</source>
      <translation>nie synchronisiert</translation>
    </message>
    <message>
      <source>Page %1 of %2</source>
      <translation>Seite %1 von %2</translation>
    </message>
  </context>
  <context>
    <name>ReportsView</name>
    <message>
      <source>Report</source>
      <translation>Bericht</translation>
    </message>
    <message>
      <source>From</source>
      <translation>Von</translation>
    </message>
    <message>
      <source>To</source>
      <translation>Bis</translation>
    </message>
    <message>
      <source>Territory</source>
      <translation>Gebiet</translation>
    </message>
    <message>
      <source>Rep</source>
      <translation>Außendienst</translation>
    </message>
    <message>
      <source>&amp;Report:</source>
      <translation>&amp;Auswertung:</translation>
    </message>
    <message>
      <source>&amp;From:</source>
      <translation>&amp;Von:</translation>
    </message>
    <message>
      <source>&amp;To:</source>
      <translation>&amp;Bis:</translation>
    </message>
    <message>
      <source>Te&amp;rritory:</source>
      <translation>Ge&amp;biet:</translation>
    </message>
    <message>
      <source>R&amp;ep:</source>
      <translation>A&amp;ußendienst:</translation>
    </message>
    <message>
      <source>Export CSV…</source>
      <translation>CSV exportieren…</translation>
    </message>
    <message>
      <source>Export PDF…</source>
      <translation>PDF exportieren…</translation>
    </message>
    <message>
      <source>Report table</source>
      <translation>Auswertungstabelle</translation>
    </message>
    <message>
      <source>All territories</source>
      <translation>Alle Gebiete</translation>
    </message>
    <message>
      <source>All reps</source>
      <translation>Alle Außendienstler</translation>
    </message>
    <message>
      <source>The period ends before it starts.</source>
      <translation>Der Zeitraum endet vor seinem Beginn.</translation>
    </message>
    <message>
      <source>Data as of %1 (last successful sync)</source>
      <translation>Datenstand %1 (letzte erfolgreiche Synchronisierung)</translation>
    </message>
    <message>
      <source>Data as of: never synced — the report shows local data only</source>
      <translation>Datenstand: nie synchronisiert – die Auswertung zeigt nur lokale Daten</translation>
    </message>
    <message>
      <source>The report could not be computed: %1</source>
      <translation>Die Auswertung konnte nicht berechnet werden: %1</translation>
    </message>
    <message>
      <source>Export CSV (the file is not encrypted)</source>
      <translation>CSV exportieren (die Datei ist nicht verschlüsselt)</translation>
    </message>
    <message>
      <source>CSV files (*.csv)</source>
      <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
      <source>Export CSV</source>
      <translation>CSV exportieren</translation>
    </message>
    <message>
      <source>Export PDF (the file is not encrypted)</source>
      <translation>PDF exportieren (die Datei ist nicht verschlüsselt)</translation>
    </message>
    <message>
      <source>PDF files (*.pdf)</source>
      <translation>PDF-Dateien (*.pdf)</translation>
    </message>
    <message>
      <source>Export PDF</source>
      <translation>PDF exportieren</translation>
    </message>
  </context>
  <context>
    <name>Requests</name>
    <message>
      <source>done %1</source>
      <translation>erledigt %1</translation>
    </message>
    <message>
      <source>accepted</source>
      <translation>angenommen</translation>
    </message>
    <message>
      <source>declined</source>
      <translation>abgelehnt</translation>
    </message>
    <message>
      <source>no answer yet</source>
      <translation>noch keine Antwort</translation>
    </message>
    <message>
      <source>Due</source>
      <translation>Fällig</translation>
    </message>
    <message>
      <source>What</source>
      <translation>Was</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>Kunde</translation>
    </message>
    <message>
      <source>Asked by</source>
      <translation>Gebeten von</translation>
    </message>
    <message>
      <source>Your answer</source>
      <translation>Ihre Antwort</translation>
    </message>
    <message>
      <source>Asked of</source>
      <translation>Gebeten</translation>
    </message>
    <message>
      <source>Answer</source>
      <translation>Antwort</translation>
    </message>
    <message>
      <source>Asked of you</source>
      <translation>Bitten an Sie</translation>
    </message>
    <message>
      <source>Answers to your requests</source>
      <translation>Antworten auf Ihre Bitten</translation>
    </message>
    <message>
      <source>Accept</source>
      <translation>Annehmen</translation>
    </message>
    <message>
      <source>Decline…</source>
      <translation>Ablehnen…</translation>
    </message>
    <message>
      <source>Done</source>
      <translation>Erledigt</translation>
    </message>
    <message>
      <source>Could not answer: %1</source>
      <translation>Antworten nicht möglich: %1</translation>
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
      <translation>Nr.</translation>
    </message>
    <message>
      <source>Time</source>
      <translation>Uhrzeit</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>Kunde</translation>
    </message>
    <message>
      <source>City</source>
      <translation>Ort</translation>
    </message>
    <message>
      <source>Leg</source>
      <translation>Strecke</translation>
    </message>
    <message>
      <source>Fixed time</source>
      <translation>Fester Termin</translation>
    </message>
    <message>
      <source>yes</source>
      <translation>ja</translation>
    </message>
    <message>
      <source>Distance</source>
      <translation>Entfernung</translation>
    </message>
    <message>
      <source>Visit due</source>
      <translation>Besuch fällig</translation>
    </message>
    <message>
      <source>overdue</source>
      <translation>überfällig</translation>
    </message>
    <message>
      <source>Home base:</source>
      <translation>Ausgangspunkt:</translation>
    </message>
    <message>
      <source>Where your day starts and ends: latitude, longitude</source>
      <translation>Wo Ihr Tag beginnt und endet: Breite, Länge</translation>
    </message>
    <message>
      <source>Apply this order</source>
      <translation>Diese Reihenfolge übernehmen</translation>
    </message>
    <message>
      <source>Move the planned times to the order of the route</source>
      <translation>Die geplanten Zeiten in die Reihenfolge der Route legen</translation>
    </message>
    <message>
      <source>Fixed time on/off</source>
      <translation>Fester Termin an/aus</translation>
    </message>
    <message>
      <source>Day route</source>
      <translation>Tagesroute</translation>
    </message>
    <message>
      <source>Nearby</source>
      <translation>In der Nähe</translation>
    </message>
    <message>
      <source>Around the day's route</source>
      <translation>Entlang der Tagesroute</translation>
    </message>
    <message>
      <source>Around the selected customer</source>
      <translation>Um den gewählten Kunden</translation>
    </message>
    <message>
      <source> km</source>
      <translation> km</translation>
    </message>
    <message>
      <source>Plan a visit on this day</source>
      <translation>Besuch an diesem Tag planen</translation>
    </message>
    <message>
      <source>Place pin</source>
      <translation>Stecknadel setzen</translation>
    </message>
    <message>
      <source>Click the map where the selected customer is</source>
      <translation>Klicken Sie auf der Karte, wo der gewählte Kunde liegt</translation>
    </message>
    <message>
      <source>Find coordinates</source>
      <translation>Koordinaten suchen</translation>
    </message>
    <message>
      <source>Look up addresses without coordinates</source>
      <translation>Adressen ohne Koordinaten nachschlagen</translation>
    </message>
    <message>
      <source>No geocoding service is set up (IT sets it)</source>
      <translation>Kein Geokodierungsdienst eingerichtet (das richtet die IT ein)</translation>
    </message>
    <message>
      <source>Calendar address…</source>
      <translation>Kalenderadresse…</translation>
    </message>
    <message>
      <source>A new private address for Outlook, Google or Thunderbird (the old one stops)</source>
      <translation>Eine neue private Adresse für Outlook, Google oder Thunderbird (die alte gilt nicht mehr)</translation>
    </message>
    <message>
      <source>No planned visits with coordinates on this day.</source>
      <translation>An diesem Tag gibt es keine geplanten Besuche mit Koordinaten.</translation>
    </message>
    <message>
      <source>%1 stops, %2 (in the planned order: %3).</source>
      <translation>%1 Stationen, %2 (in der geplanten Reihenfolge: %3).</translation>
    </message>
    <message>
      <source>No home base set: the day starts at its first stop.</source>
      <translation>Kein Ausgangspunkt gesetzt: Der Tag beginnt bei der ersten Station.</translation>
    </message>
    <message>
      <source>%1 visits have no coordinates and keep their time.</source>
      <translation>%1 Besuche haben keine Koordinaten und behalten ihre Zeit.</translation>
    </message>
    <message>
      <source>Distances as the crow flies, not by road.</source>
      <translation>Entfernungen in Luftlinie, nicht auf der Straße.</translation>
    </message>
    <message>
      <source>Home</source>
      <translation>Ausgangspunkt</translation>
    </message>
    <message>
      <source>Home base not saved: %1</source>
      <translation>Ausgangspunkt nicht gespeichert: %1</translation>
    </message>
    <message>
      <source>The planned times follow the route now.</source>
      <translation>Die geplanten Zeiten folgen jetzt der Route.</translation>
    </message>
    <message>
      <source>Visit to %1 planned.</source>
      <translation>Besuch bei %1 geplant.</translation>
    </message>
    <message>
      <source>Choose a customer first, then place the pin.</source>
      <translation>Wählen Sie zuerst einen Kunden, dann setzen Sie die Stecknadel.</translation>
    </message>
    <message>
      <source>Coordinates found for %1 customers.</source>
      <translation>Koordinaten für %1 Kunden gefunden.</translation>
    </message>
    <message>
      <source>Coordinates not found: %1</source>
      <translation>Koordinaten nicht gefunden: %1</translation>
    </message>
    <message>
      <source>Sign in to a server first.</source>
      <translation>Melden Sie sich zuerst bei einem Server an.</translation>
    </message>
    <message>
      <source>No calendar address: %1</source>
      <translation>Keine Kalenderadresse: %1</translation>
    </message>
    <message>
      <source>The new calendar address is copied; the old one stops.</source>
      <translation>Die neue Kalenderadresse ist kopiert; die alte gilt nicht mehr.</translation>
    </message>
  </context>
  <context>
    <name>SaveDialog</name>
    <message>
      <source>Save</source>
      <translation>Speichern</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
    <message>
      <source>Could not save: %1</source>
      <translation>Speichern nicht möglich: %1</translation>
    </message>
  </context>
  <context>
    <name>SearchCommand</name>
    <message>
      <source>Search everything</source>
      <translation>Alles durchsuchen</translation>
    </message>
    <message>
      <source>Search everything (Ctrl+Shift+F)</source>
      <translation>Alles durchsuchen (Strg+Umschalt+F)</translation>
    </message>
  </context>
  <context>
    <name>SearchWindow</name>
    <message>
      <source>Customers</source>
      <translation>Kunden</translation>
    </message>
    <message>
      <source>Contacts</source>
      <translation>Ansprechpartner</translation>
    </message>
    <message>
      <source>Follow-ups</source>
      <translation>Wiedervorlagen</translation>
    </message>
    <message>
      <source>Visits</source>
      <translation>Besuche</translation>
    </message>
    <message>
      <source>Notes</source>
      <translation>Notizen</translation>
    </message>
    <message>
      <source>Search everything</source>
      <translation>Alles durchsuchen</translation>
    </message>
    <message>
      <source>Names, numbers, phone numbers, job titles, notes, visit reports…</source>
      <translation>Namen, Nummern, Telefonnummern, Funktionen, Notizen, Besuchsberichte…</translation>
    </message>
    <message>
      <source>Search</source>
      <translation>Suchen</translation>
    </message>
    <message>
      <source>Search results</source>
      <translation>Suchergebnisse</translation>
    </message>
    <message>
      <source>Type to search everything on this laptop.</source>
      <translation>Tippen Sie, um alles auf diesem Laptop zu durchsuchen.</translation>
    </message>
    <message>
      <source>Nothing found.</source>
      <translation>Nichts gefunden.</translation>
    </message>
    <message>
      <source>%1 found</source>
      <translation>%1 gefunden</translation>
    </message>
    <message>
      <source>The search index is still being built (%1 %): records not indexed yet are not found.</source>
      <translation>Der Suchindex wird noch aufgebaut (%1 %): Noch nicht indizierte Einträge werden nicht gefunden.</translation>
    </message>
  </context>
  <context>
    <name>ServerReasons</name>
    <message>
      <source>This change is dated %1 minutes in the future. Check the date, time and time zone of this computer, then edit again.</source>
      <translation>Diese Änderung ist %1 Minuten in die Zukunft datiert. Prüfen Sie Datum, Uhrzeit und Zeitzone dieses Computers und bearbeiten Sie den Eintrag dann erneut.</translation>
    </message>
    <message>
      <source>Some values are not valid.</source>
      <translation>Einige Angaben sind nicht gültig.</translation>
    </message>
    <message>
      <source>FieldCRM does not synchronise records of this kind (%1).</source>
      <translation>Datensätze dieser Art (%1) synchronisiert FieldCRM nicht.</translation>
    </message>
    <message>
      <source>Only an administrator can change records of this kind (%1).</source>
      <translation>Datensätze dieser Art (%1) kann nur ein Administrator ändern.</translation>
    </message>
    <message>
      <source>The record id is not a valid id.</source>
      <translation>Die Kennung des Datensatzes ist ungültig.</translation>
    </message>
    <message>
      <source>This record (%1) does not exist on the server.</source>
      <translation>Diesen Datensatz (%1) gibt es auf dem Server nicht.</translation>
    </message>
    <message>
      <source>This record (%1) belongs to a territory you cannot change.</source>
      <translation>Dieser Datensatz (%1) gehört zu einem Gebiet, das Sie nicht ändern dürfen.</translation>
    </message>
    <message>
      <source>A delete needs a '_deleted' clock stamp.</source>
      <translation>Eine Löschung braucht einen Zeitstempel „_deleted“.</translation>
    </message>
    <message>
      <source>The field %1 has no time stamp.</source>
      <translation>Das Feld %1 hat keinen Zeitstempel.</translation>
    </message>
    <message>
      <source>A time stamp of this change is not valid.</source>
      <translation>Ein Zeitstempel dieser Änderung ist nicht gültig.</translation>
    </message>
    <message>
      <source>This change carries the clock stamp of another device than the one logged in.</source>
      <translation>Diese Änderung trägt den Zeitstempel eines anderen Geräts als des angemeldeten.</translation>
    </message>
    <message>
      <source>This record (%1) is too large: the server takes at most %2 KiB per record, text included. Shorten its text and send it again.</source>
      <translation>Dieser Datensatz (%1) ist zu groß: Der Server nimmt höchstens %2 KiB je Datensatz an, Text eingeschlossen. Kürzen Sie den Text und senden Sie ihn erneut.</translation>
    </message>
    <message>
      <source>Only its author can change this record (%1).</source>
      <translation>Diesen Datensatz (%1) kann nur sein Verfasser ändern.</translation>
    </message>
    <message>
      <source>The person named here is not a user on the server.</source>
      <translation>Die hier genannte Person ist auf dem Server kein Benutzer.</translation>
    </message>
    <message>
      <source>Records of this kind (%1) can only be written in your own name.</source>
      <translation>Datensätze dieser Art (%1) können Sie nur in Ihrem eigenen Namen schreiben.</translation>
    </message>
    <message>
      <source>You can record only your own visits.</source>
      <translation>Sie können nur Ihre eigenen Besuche erfassen.</translation>
    </message>
    <message>
      <source>Choose yourself or an active rep of your territories as the visit's rep.</source>
      <translation>Wählen Sie für den Besuch sich selbst oder eine aktive Person aus dem Außendienst Ihrer Gebiete.</translation>
    </message>
    <message>
      <source>The person named here can no longer sign in (disabled).</source>
      <translation>Die hier genannte Person kann sich nicht mehr anmelden (gesperrt).</translation>
    </message>
    <message>
      <source>The person named here is outside your territory and area.</source>
      <translation>Die hier genannte Person gehört nicht zu Ihrem Gebiet oder Bereich.</translation>
    </message>
    <message>
      <source>The person asked cannot see this customer: choose someone of the customer's territory.</source>
      <translation>Die gefragte Person sieht diesen Kunden nicht: Wählen Sie jemanden aus dem Gebiet des Kunden.</translation>
    </message>
    <message>
      <source>Only the person asked can answer this request.</source>
      <translation>Nur die gefragte Person kann diese Bitte beantworten.</translation>
    </message>
    <message>
      <source>The customer does not exist on the server or is not in your territory.</source>
      <translation>Den Kunden gibt es auf dem Server nicht, oder er liegt nicht in Ihrem Gebiet.</translation>
    </message>
    <message>
      <source>The customer was deleted.</source>
      <translation>Der Kunde wurde gelöscht.</translation>
    </message>
    <message>
      <source>Choose a territory that exists.</source>
      <translation>Wählen Sie ein vorhandenes Gebiet.</translation>
    </message>
    <message>
      <source>This is an area; assign one of its territories instead.</source>
      <translation>Das ist ein Bereich; wählen Sie stattdessen eines seiner Gebiete.</translation>
    </message>
    <message>
      <source>This territory is outside your area.</source>
      <translation>Dieses Gebiet liegt außerhalb Ihres Bereichs.</translation>
    </message>
    <message>
      <source>You have no territory to add customers to.</source>
      <translation>Ihnen ist kein Gebiet zugeordnet, in dem Sie Kunden anlegen können.</translation>
    </message>
    <message>
      <source>Records of this kind (%1) cannot be deleted by a sync; an administrator deletes them with the fieldcrm-server command.</source>
      <translation>Datensätze dieser Art (%1) können nicht per Synchronisierung gelöscht werden; ein Administrator löscht sie mit dem Befehl fieldcrm-server.</translation>
    </message>
    <message>
      <source>This user name is already taken.</source>
      <translation>Dieser Benutzername ist bereits vergeben.</translation>
    </message>
    <message>
      <source>You have already said you know this person.</source>
      <translation>Sie haben bereits angegeben, dass Sie diese Person kennen.</translation>
    </message>
    <message>
      <source>The server refused this change.</source>
      <translation>Der Server hat diese Änderung abgelehnt.</translation>
    </message>
    <message>
      <source>The content of an attachment cannot be changed; add the new file as another attachment.</source>
      <translation>Der Inhalt eines Anhangs lässt sich nicht ändern; fügen Sie die neue Datei als weiteren Anhang hinzu.</translation>
    </message>
    <message>
      <source>Only a manager or an administrator can post bulletins.</source>
      <translation>Nur Vertriebsleitung oder Administration können Rundschreiben veröffentlichen.</translation>
    </message>
    <message>
      <source>Only a manager of the area or an administrator can publish documents to its shelf or to a bulletin.</source>
      <translation>Nur die Vertriebsleitung des Bereichs oder die Administration kann Dokumente in seine Ablage oder zu einem Rundschreiben stellen.</translation>
    </message>
    <message>
      <source>Choose the area the bulletin is for.</source>
      <translation>Wählen Sie den Bereich, für den das Rundschreiben bestimmt ist.</translation>
    </message>
    <message>
      <source>Address only territories and active reps of the bulletin's area.</source>
      <translation>Richten Sie das Rundschreiben nur an Gebiete und aktive Außendienstmitarbeiter seines Bereichs.</translation>
    </message>
    <message>
      <source>The bulletin does not exist on the server or is not addressed to you.</source>
      <translation>Das Rundschreiben gibt es auf dem Server nicht, oder es ist nicht an Sie gerichtet.</translation>
    </message>
    <message>
      <source>This change is too large to send to the server. Shorten its text and send it again.</source>
      <translation>Diese Änderung ist zu groß, um sie an den Server zu senden. Kürzen Sie den Text und senden Sie sie erneut.</translation>
    </message>
    <message>
      <source>The server could not read this change (%1). Update FieldCRM; if the change is still refused, discard it and enter it again.</source>
      <translation>Der Server konnte diese Änderung nicht lesen (%1). Aktualisieren Sie FieldCRM; wird die Änderung weiter abgelehnt, verwerfen Sie sie und geben Sie sie erneut ein.</translation>
    </message>
    <message>
      <source>The record left your territory on the server before this change was sent; the change was not synced. Ask the record's new owner to apply it if it still matters.</source>
      <translation>Der Datensatz hat Ihr Gebiet auf dem Server verlassen, bevor diese Änderung gesendet wurde; die Änderung wurde nicht synchronisiert. Bitten Sie die neue Zuständige oder den neuen Zuständigen, sie zu übernehmen, falls sie noch wichtig ist.</translation>
    </message>
  </context>
  <context>
    <name>SettingsDialog</name>
    <message>
      <source>Settings</source>
      <translation>Einstellungen</translation>
    </message>
    <message>
      <source>Server address</source>
      <translation>Serveradresse</translation>
    </message>
    <message>
      <source>Sync interval in minutes</source>
      <translation>Synchronisierungsintervall in Minuten</translation>
    </message>
    <message>
      <source> min</source>
      <translation> Min.</translation>
    </message>
    <message>
      <source>Lock after minutes without input</source>
      <translation>Sperren nach Minuten ohne Eingabe</translation>
    </message>
    <message>
      <source>Never</source>
      <translation>Nie</translation>
    </message>
    <message>
      <source>Remind of the next visit this many minutes before it</source>
      <translation>An den nächsten Besuch so viele Minuten vorher erinnern</translation>
    </message>
    <message>
      <source> min before a visit</source>
      <translation> Min. vor einem Besuch</translation>
    </message>
    <message>
      <source>Off</source>
      <translation>Aus</translation>
    </message>
    <message>
      <source>Reminds you of your next visit and of the follow-ups due today. Off: no reminders.</source>
      <translation>Erinnert an den nächsten Besuch und an die heute fälligen Wiedervorlagen. Aus: keine Erinnerungen.</translation>
    </message>
    <message>
      <source>Language</source>
      <translation>Sprache</translation>
    </message>
    <message>
      <source>System language</source>
      <translation>Systemsprache</translation>
    </message>
    <message>
      <source>Server:</source>
      <translation>Server:</translation>
    </message>
    <message>
      <source>Sync every:</source>
      <translation>Synchronisieren alle:</translation>
    </message>
    <message>
      <source>Lock after:</source>
      <translation>Sperren nach:</translation>
    </message>
    <message>
      <source>Reminders:</source>
      <translation>Erinnerungen:</translation>
    </message>
    <message>
      <source>Language:</source>
      <translation>Sprache:</translation>
    </message>
    <message>
      <source>Set by your IT department</source>
      <translation>Von Ihrer IT festgelegt</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>Speichern</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Abbrechen</translation>
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
      <translation>Offline verfügbar</translation>
    </message>
    <message>
      <source>Waiting to upload</source>
      <translation>Wartet auf Hochladen</translation>
    </message>
    <message>
      <source>On the server</source>
      <translation>Auf dem Server</translation>
    </message>
    <message>
      <source>Downloading…</source>
      <translation>Wird heruntergeladen…</translation>
    </message>
    <message>
      <source>The document cannot be downloaded now; open it again once online.</source>
      <translation>Das Dokument kann jetzt nicht heruntergeladen werden; öffnen Sie es erneut, sobald Sie online sind.</translation>
    </message>
    <message>
      <source>Document</source>
      <translation>Dokument</translation>
    </message>
    <message>
      <source>Version</source>
      <translation>Version</translation>
    </message>
    <message>
      <source>File</source>
      <translation>Datei</translation>
    </message>
    <message>
      <source>Size</source>
      <translation>Größe</translation>
    </message>
    <message>
      <source>Published</source>
      <translation>Veröffentlicht</translation>
    </message>
    <message>
      <source>On this laptop</source>
      <translation>Auf diesem Laptop</translation>
    </message>
    <message>
      <source>Documents shelf</source>
      <translation>Dokumentenablage</translation>
    </message>
    <message>
      <source>The current version of each document of your area. A new version replaces the old one on every laptop at its next sync.</source>
      <translation>Die aktuelle Fassung jedes Dokuments Ihres Bereichs. Eine neue Fassung ersetzt die alte auf jedem Laptop bei dessen nächster Synchronisierung.</translation>
    </message>
    <message>
      <source>&amp;Open</source>
      <translation>Ö&amp;ffnen</translation>
    </message>
    <message>
      <source>&amp;Publish document…</source>
      <translation>Dokument &amp;veröffentlichen…</translation>
    </message>
    <message>
      <source>New &amp;version…</source>
      <translation>Neue &amp;Fassung…</translation>
    </message>
    <message>
      <source>No documents on the shelf yet.</source>
      <translation>Noch keine Dokumente in der Ablage.</translation>
    </message>
    <message>
      <source>Publish document</source>
      <translation>Dokument veröffentlichen</translation>
    </message>
    <message>
      <source>Name on the shelf:</source>
      <translation>Name in der Ablage:</translation>
    </message>
    <message>
      <source>Not published: %1</source>
      <translation>Nicht veröffentlicht: %1</translation>
    </message>
  </context>
  <context>
    <name>SyncController</name>
    <message>
      <source>No server configured. Set the server address in Settings.</source>
      <translation>Kein Server eingerichtet. Bitte die Serveradresse in den Einstellungen eintragen.</translation>
    </message>
  </context>
  <context>
    <name>SyncErrors</name>
    <message>
      <source>Wrong user name or password.</source>
      <translation>Benutzername oder Passwort ist falsch.</translation>
    </message>
    <message>
      <source>Too many failed sign-ins; wait a minute and try again.</source>
      <translation>Zu viele fehlgeschlagene Anmeldungen; warten Sie eine Minute und versuchen Sie es erneut.</translation>
    </message>
    <message>
      <source>Cannot reach the server. Check the network connection; your changes are kept.</source>
      <translation>Der Server ist nicht erreichbar. Prüfen Sie die Netzwerkverbindung; Ihre Änderungen bleiben erhalten.</translation>
    </message>
    <message>
      <source>This server address uses plain http://, so the password would travel unencrypted. Use the https:// address; ask IT if you do not know it.</source>
      <translation>Diese Serveradresse verwendet unverschlüsseltes http://, das Passwort würde also lesbar übertragen. Verwenden Sie die https://-Adresse; fragen Sie die IT, wenn Sie sie nicht kennen.</translation>
    </message>
    <message>
      <source>The server has moved to %1. Use that address to sign in.</source>
      <translation>Der Server ist umgezogen nach %1. Melden Sie sich mit dieser Adresse an.</translation>
    </message>
    <message>
      <source>The sync session is kept in the system keyring, which cannot be read now. Unlock the keyring, or sign in again.</source>
      <translation>Die Sync-Sitzung liegt im Schlüsselbund des Systems, der gerade nicht gelesen werden kann. Entsperren Sie den Schlüsselbund oder melden Sie sich erneut an.</translation>
    </message>
    <message>
      <source>This laptop is not signed in to a server. Sign in to sync.</source>
      <translation>Dieser Laptop ist bei keinem Server angemeldet. Melden Sie sich an, um zu synchronisieren.</translation>
    </message>
    <message>
      <source>The session with the server has ended. Sign in again; your changes are kept.</source>
      <translation>Die Sitzung beim Server ist beendet. Melden Sie sich erneut an; Ihre Änderungen bleiben erhalten.</translation>
    </message>
    <message>
      <source>The server no longer accepts this device or user. Ask IT to restore access; your changes are kept.</source>
      <translation>Der Server akzeptiert dieses Gerät oder diesen Benutzer nicht mehr. Bitten Sie die IT, den Zugang wiederherzustellen; Ihre Änderungen bleiben erhalten.</translation>
    </message>
    <message>
      <source>This FieldCRM version cannot sync with the server. Update FieldCRM or ask IT.</source>
      <translation>Diese FieldCRM-Version kann nicht mit dem Server synchronisieren. Aktualisieren Sie FieldCRM oder fragen Sie die IT.</translation>
    </message>
    <message>
      <source>The clock of this computer is ahead of the server's. Set the right date, time and time zone; your changes wait until then.</source>
      <translation>Die Uhr dieses Computers geht gegenüber dem Server vor. Stellen Sie Datum, Uhrzeit und Zeitzone richtig ein; Ihre Änderungen warten bis dahin.</translation>
    </message>
    <message>
      <source>This laptop's profile is in use on another computer too, and taking a new identity did not help. Your changes are kept; ask IT.</source>
      <translation>Das Profil dieses Laptops wird auch auf einem anderen Computer benutzt, und eine neue Kennung hat nicht geholfen. Ihre Änderungen bleiben erhalten; fragen Sie die IT.</translation>
    </message>
    <message>
      <source>The data on this laptop still differs from the server's. FieldCRM tries again at the next sync; your changes are kept.</source>
      <translation>Die Daten auf diesem Laptop weichen noch von denen des Servers ab. FieldCRM versucht es bei der nächsten Synchronisierung erneut; Ihre Änderungen bleiben erhalten.</translation>
    </message>
    <message>
      <source>The server reported an error (%1). Your changes are kept; try again later.</source>
      <translation>Der Server meldete einen Fehler (%1). Ihre Änderungen bleiben erhalten; versuchen Sie es später erneut.</translation>
    </message>
    <message>
      <source>The server refused a request (%1). Your changes are kept; ask IT if it stays.</source>
      <translation>Der Server hat eine Anfrage abgelehnt (%1). Ihre Änderungen bleiben erhalten; fragen Sie die IT, wenn es so bleibt.</translation>
    </message>
    <message>
      <source>Sync stopped. Your changes are kept; try again later.</source>
      <translation>Die Synchronisierung wurde beendet. Ihre Änderungen bleiben erhalten; versuchen Sie es später erneut.</translation>
    </message>
  </context>
  <context>
    <name>SyncNotices</name>
    <message>
      <source>You now work in territory %1: %2 customers removed from this laptop, %3 added.</source>
      <translation>Sie arbeiten jetzt im Gebiet %1: %2 Kunden von diesem Laptop entfernt, %3 hinzugekommen.</translation>
    </message>
    <message>
      <source>What you may see has changed: %1 customers removed from this laptop, %2 added.</source>
      <translation>Was Sie sehen dürfen, hat sich geändert: %1 Kunden von diesem Laptop entfernt, %2 hinzugekommen.</translation>
    </message>
    <message>
      <source>This profile had been restored from a backup or copied from another computer, so it took a new device identity; its changes were sent again and nothing was lost.</source>
      <translation>Dieses Profil wurde aus einer Sicherung zurückgeholt oder von einem anderen Computer kopiert und hat deshalb eine neue Gerätekennung erhalten; seine Änderungen wurden erneut gesendet, nichts ging verloren.</translation>
    </message>
  </context>
  <context>
    <name>Trash</name>
    <message>
      <source>Customer</source>
      <translation>Kunde</translation>
    </message>
    <message>
      <source>Contact</source>
      <translation>Ansprechpartner</translation>
    </message>
    <message>
      <source>Visit</source>
      <translation>Besuch</translation>
    </message>
    <message>
      <source>Note</source>
      <translation>Notiz</translation>
    </message>
    <message>
      <source>Follow-up</source>
      <translation>Wiedervorlage</translation>
    </message>
    <message>
      <source>Relationship</source>
      <translation>Beziehung</translation>
    </message>
    <message>
      <source>I know this person</source>
      <translation>Ich kenne diese Person</translation>
    </message>
    <message>
      <source>File</source>
      <translation>Datei</translation>
    </message>
    <message>
      <source>Deleted</source>
      <translation>Gelöscht</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>Art</translation>
    </message>
    <message>
      <source>What</source>
      <translation>Was</translation>
    </message>
    <message>
      <source>Deleted with it</source>
      <translation>Mitgelöscht</translation>
    </message>
    <message>
      <source>Trash</source>
      <translation>Papierkorb</translation>
    </message>
    <message>
      <source>Records deleted in the last %1 days, on this laptop or another. A restored record comes back with what was deleted with it, on every laptop after a sync.</source>
      <translation>Datensätze, die in den letzten %1 Tagen gelöscht wurden, auf diesem oder einem anderen Laptop. Ein wiederhergestellter Datensatz kommt mit allem zurück, was mit ihm gelöscht wurde – nach einer Synchronisierung auf jedem Laptop.</translation>
    </message>
    <message>
      <source>Deleted records</source>
      <translation>Gelöschte Datensätze</translation>
    </message>
    <message>
      <source>&amp;Restore</source>
      <translation>&amp;Wiederherstellen</translation>
    </message>
  </context>
  <context>
    <name>Unlock</name>
    <message>
      <source>FieldCRM is locked</source>
      <translation>FieldCRM ist gesperrt</translation>
    </message>
    <message>
      <source>This computer has no keyring, so your local data is encrypted with your password.
Enter your FieldCRM password:</source>
      <translation>Dieser Computer hat keinen Schlüsselbund, daher sind Ihre lokalen Daten mit Ihrem Passwort verschlüsselt.
Geben Sie Ihr FieldCRM-Passwort ein:</translation>
    </message>
    <message>
      <source>FieldCRM cannot open your data</source>
      <translation>FieldCRM kann Ihre Daten nicht öffnen</translation>
    </message>
    <message>
      <source>Your local data could not be opened. Nothing was changed.</source>
      <translation>Ihre lokalen Daten konnten nicht geöffnet werden. Es wurde nichts geändert.</translation>
    </message>
  </context>
  <context>
    <name>Validation</name>
    <message>
      <source>Required</source>
      <translation>Pflichtfeld</translation>
    </message>
    <message>
      <source>Must not be empty</source>
      <translation>Darf nicht leer sein</translation>
    </message>
    <message>
      <source>Must be text</source>
      <translation>Muss Text sein</translation>
    </message>
    <message>
      <source>At most %1 characters</source>
      <translation>Höchstens %1 Zeichen</translation>
    </message>
    <message>
      <source>Not a valid e-mail address</source>
      <translation>Keine gültige E-Mail-Adresse</translation>
    </message>
    <message>
      <source>Not one of the choices</source>
      <translation>Keine der möglichen Angaben</translation>
    </message>
    <message>
      <source>Must be yes or no</source>
      <translation>Muss ja oder nein sein</translation>
    </message>
    <message>
      <source>Must be a whole number</source>
      <translation>Muss eine ganze Zahl sein</translation>
    </message>
    <message>
      <source>Must be a number</source>
      <translation>Muss eine Zahl sein</translation>
    </message>
    <message>
      <source>Must be at least %1</source>
      <translation>Muss mindestens %1 sein</translation>
    </message>
    <message>
      <source>Must be at most %1</source>
      <translation>Darf höchstens %1 sein</translation>
    </message>
    <message>
      <source>Must be a date without a time</source>
      <translation>Muss ein Datum ohne Uhrzeit sein</translation>
    </message>
    <message>
      <source>Must be a date</source>
      <translation>Muss ein Datum sein</translation>
    </message>
    <message>
      <source>Must be a date and time</source>
      <translation>Muss ein Datum mit Uhrzeit sein</translation>
    </message>
    <message>
      <source>Outside the dates that can be stored</source>
      <translation>Außerhalb der Daten, die gespeichert werden können</translation>
    </message>
    <message>
      <source>Must be a record</source>
      <translation>Muss ein Datensatz sein</translation>
    </message>
    <message>
      <source>Must be a list of records</source>
      <translation>Muss eine Liste von Datensätzen sein</translation>
    </message>
    <message>
      <source>Not a field of this record</source>
      <translation>Kein Feld dieses Datensatzes</translation>
    </message>
    <message>
      <source>Must not be before the planned start</source>
      <translation>Darf nicht vor dem geplanten Beginn liegen</translation>
    </message>
    <message>
      <source>Needs a check-in first</source>
      <translation>Erst einchecken</translation>
    </message>
    <message>
      <source>Must not be before the check-in</source>
      <translation>Darf nicht vor dem Check-in liegen</translation>
    </message>
    <message>
      <source>Latitude and longitude go together</source>
      <translation>Breiten- und Längengrad gehören zusammen</translation>
    </message>
    <message>
      <source>Must be another contact</source>
      <translation>Muss ein anderer Kontakt sein</translation>
    </message>
    <message>
      <source>You have already said you know this person</source>
      <translation>Sie haben bereits angegeben, dass Sie diese Person kennen</translation>
    </message>
    <message>
      <source>Must be a SHA-256 hash (64 hexadecimal digits)</source>
      <translation>Muss ein SHA-256-Hash sein (64 Hexadezimalziffern)</translation>
    </message>
    <message>
      <source>Is not a usable file name</source>
      <translation>Ist kein verwendbarer Dateiname</translation>
    </message>
    <message>
      <source>An attachment belongs to one visit, note or follow-up at most</source>
      <translation>Ein Anhang gehört zu höchstens einem Besuch, einer Notiz oder einer Wiedervorlage</translation>
    </message>
    <message>
      <source>A custom relationship needs a name</source>
      <translation>Eine eigene Beziehung braucht einen Namen</translation>
    </message>
    <message>
      <source>Say why you decline the request</source>
      <translation>Sagen Sie, warum Sie die Bitte ablehnen</translation>
    </message>
    <message>
      <source>This record is not deleted (it may have been restored already)</source>
      <translation>Dieser Datensatz ist nicht gelöscht (vielleicht wurde er schon wiederhergestellt)</translation>
    </message>
    <message>
      <source>This record (%1) does not exist</source>
      <translation>Dieser Datensatz (%1) existiert nicht</translation>
    </message>
    <message>
      <source>This record (%1) belongs to another customer</source>
      <translation>Dieser Datensatz (%1) gehört zu einem anderen Kunden</translation>
    </message>
    <message>
      <source>Not a valid record id</source>
      <translation>Keine gültige Datensatz-ID</translation>
    </message>
    <message>
      <source>This record (%1) exists already</source>
      <translation>Dieser Datensatz (%1) existiert bereits</translation>
    </message>
    <message>
      <source>A comment is on a visit report or under a bulletin, not both</source>
      <translation>Ein Kommentar gehört zu einem Besuchsbericht oder zu einem Rundschreiben, nicht zu beidem</translation>
    </message>
    <message>
      <source>A file belongs to a customer, a bulletin or an area's shelf, one of them</source>
      <translation>Eine Datei gehört zu einem Kunden, einem Rundschreiben oder der Ablage eines Bereichs, zu genau einem davon</translation>
    </message>
  </context>
  <context>
    <name>Views</name>
    <message>
      <source>Choose a customer</source>
      <translation>Kunden wählen</translation>
    </message>
    <message>
      <source>Search name, number, city or contact…</source>
      <translation>Name, Nummer, Ort oder Ansprechpartner suchen…</translation>
    </message>
    <message>
      <source>Search customers</source>
      <translation>Kunden suchen</translation>
    </message>
    <message>
      <source>Choose</source>
      <translation>Wählen</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
    <message>
      <source>Could not save: %1</source>
      <translation>Speichern nicht möglich: %1</translation>
    </message>
    <message>
      <source>Record</source>
      <translation>Datensatz</translation>
    </message>
    <message>
      <source>Type</source>
      <translation>Art</translation>
    </message>
    <message>
      <source>Field</source>
      <translation>Feld</translation>
    </message>
    <message>
      <source>(deleted)</source>
      <translation>(gelöscht)</translation>
    </message>
    <message>
      <source>Since</source>
      <translation>Seit</translation>
    </message>
    <message>
      <source>Conflicts</source>
      <translation>Konflikte</translation>
    </message>
    <message>
      <source>Someone else changed the same field while you were offline. The newer change is in effect; choose which value to keep, or type a new one.</source>
      <translation>Jemand anderes hat dasselbe Feld geändert, während Sie offline waren. Die neuere Änderung gilt; wählen Sie, welcher Wert bleiben soll, oder geben Sie einen neuen ein.</translation>
    </message>
    <message>
      <source>Mine</source>
      <translation>Meiner</translation>
    </message>
    <message>
      <source>Theirs</source>
      <translation>Der andere</translation>
    </message>
    <message>
      <source>Keep mine</source>
      <translation>Meinen behalten</translation>
    </message>
    <message>
      <source>Take theirs</source>
      <translation>Anderen übernehmen</translation>
    </message>
    <message>
      <source>Accept deletion</source>
      <translation>Löschung akzeptieren</translation>
    </message>
    <message>
      <source>Restore with my edit</source>
      <translation>Mit meiner Änderung wiederherstellen</translation>
    </message>
    <message>
      <source>New value</source>
      <translation>Neuer Wert</translation>
    </message>
    <message>
      <source>Or type a new value…</source>
      <translation>Oder neuen Wert eingeben…</translation>
    </message>
    <message>
      <source>Save this value</source>
      <translation>Diesen Wert speichern</translation>
    </message>
    <message>
      <source>The conflict you were typing a value for was resolved meanwhile.</source>
      <translation>Der Konflikt, für den Sie einen Wert eingegeben haben, wurde inzwischen gelöst.</translation>
    </message>
    <message>
      <source>No conflicts. Everything is in agreement.</source>
      <translation>Keine Konflikte. Alles stimmt überein.</translation>
    </message>
    <message>
      <source>by %1, %2</source>
      <translation>von %1, %2</translation>
    </message>
    <message>
      <source>unknown</source>
      <translation>unbekannt</translation>
    </message>
    <message>
      <source>(empty)</source>
      <translation>(leer)</translation>
    </message>
    <message>
      <source>Please enter a number.</source>
      <translation>Bitte eine Zahl eingeben.</translation>
    </message>
    <message>
      <source>Conflict resolved.</source>
      <translation>Konflikt gelöst.</translation>
    </message>
    <message>
      <source>Restored with the edit.</source>
      <translation>Mit der Änderung wiederhergestellt.</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>Name</translation>
    </message>
    <message>
      <source>Job title</source>
      <translation>Funktion</translation>
    </message>
    <message>
      <source>Phone</source>
      <translation>Telefon</translation>
    </message>
    <message>
      <source>E-mail</source>
      <translation>E-Mail</translation>
    </message>
    <message>
      <source>When</source>
      <translation>Wann</translation>
    </message>
    <message>
      <source>What</source>
      <translation>Was</translation>
    </message>
    <message>
      <source>Summary</source>
      <translation>Zusammenfassung</translation>
    </message>
    <message>
      <source>Due</source>
      <translation>Fällig</translation>
    </message>
    <message>
      <source>Follow-up</source>
      <translation>Wiedervorlage</translation>
    </message>
    <message>
      <source>Done</source>
      <translation>Erledigt</translation>
    </message>
    <message>
      <source>← Customers</source>
      <translation>← Kunden</translation>
    </message>
    <message>
      <source>Back to the customer list</source>
      <translation>Zurück zur Kundenliste</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>Speichern</translation>
    </message>
    <message>
      <source>Revert</source>
      <translation>Zurücksetzen</translation>
    </message>
    <message>
      <source>Timeline</source>
      <translation>Verlauf</translation>
    </message>
    <message>
      <source>Contacts</source>
      <translation>Ansprechpartner</translation>
    </message>
    <message>
      <source>Follow-ups</source>
      <translation>Wiedervorlagen</translation>
    </message>
    <message>
      <source>People and connections</source>
      <translation>Personen und Beziehungen</translation>
    </message>
    <message>
      <source>Files</source>
      <translation>Dateien</translation>
    </message>
    <message>
      <source>Add contact…</source>
      <translation>Ansprechpartner hinzufügen…</translation>
    </message>
    <message>
      <source>Import contacts…</source>
      <translation>Ansprechpartner importieren…</translation>
    </message>
    <message>
      <source>New note…</source>
      <translation>Neue Notiz…</translation>
    </message>
    <message>
      <source>Plan visit…</source>
      <translation>Besuch planen…</translation>
    </message>
    <message>
      <source>New follow-up…</source>
      <translation>Neue Wiedervorlage…</translation>
    </message>
    <message>
      <source>Mark done</source>
      <translation>Als erledigt markieren</translation>
    </message>
    <message>
      <source>Feedback</source>
      <translation>Feedback</translation>
    </message>
    <message>
      <source>%1 acknowledged the visit report</source>
      <translation>%1 hat den Besuchsbericht bestätigt</translation>
    </message>
    <message>
      <source>This customer no longer exists.</source>
      <translation>Diesen Kunden gibt es nicht mehr.</translation>
    </message>
    <message>
      <source>Customer saved.</source>
      <translation>Kunde gespeichert.</translation>
    </message>
    <message>
      <source>Customers</source>
      <translation>Kunden</translation>
    </message>
    <message>
      <source>Territory filter</source>
      <translation>Gebietsfilter</translation>
    </message>
    <message>
      <source>Status filter</source>
      <translation>Statusfilter</translation>
    </message>
    <message>
      <source>Segment filter</source>
      <translation>Segmentfilter</translation>
    </message>
    <message>
      <source>All territories</source>
      <translation>Alle Gebiete</translation>
    </message>
    <message>
      <source>All statuses</source>
      <translation>Alle Status</translation>
    </message>
    <message>
      <source>All segments</source>
      <translation>Alle Segmente</translation>
    </message>
    <message>
      <source>Segment %1</source>
      <translation>Segment %1</translation>
    </message>
    <message>
      <source>Overdue only</source>
      <translation>Nur überfällige</translation>
    </message>
    <message>
      <source>New customer…</source>
      <translation>Neuer Kunde…</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>Öffnen</translation>
    </message>
    <message>
      <source>Delete…</source>
      <translation>Löschen…</translation>
    </message>
    <message>
      <source>Customer list</source>
      <translation>Kundenliste</translation>
    </message>
    <message>
      <source>Delete customer</source>
      <translation>Kunde löschen</translation>
    </message>
    <message>
      <source>Delete %1 with all contacts, visits, notes and follow-ups?</source>
      <translation>%1 mit allen Ansprechpartnern, Besuchen, Notizen und Wiedervorlagen löschen?</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>Löschen</translation>
    </message>
    <message>
      <source>Reason</source>
      <translation>Grund</translation>
    </message>
    <message>
      <source>Rejected changes</source>
      <translation>Abgelehnte Änderungen</translation>
    </message>
    <message>
      <source>The server refused these changes. Nothing is lost: correct a change and send it again, or discard it.</source>
      <translation>Der Server hat diese Änderungen abgelehnt. Nichts geht verloren: Korrigieren Sie eine Änderung und senden Sie sie erneut, oder verwerfen Sie sie.</translation>
    </message>
    <message>
      <source>Correct the change</source>
      <translation>Änderung korrigieren</translation>
    </message>
    <message>
      <source>Fix and resend</source>
      <translation>Korrigieren und erneut senden</translation>
    </message>
    <message>
      <source>Discard…</source>
      <translation>Verwerfen…</translation>
    </message>
    <message>
      <source>The change you were correcting is no longer in the list of rejected changes.</source>
      <translation>Die Änderung, die Sie korrigiert haben, steht nicht mehr in der Liste der abgelehnten Änderungen.</translation>
    </message>
    <message>
      <source>No rejected changes.</source>
      <translation>Keine abgelehnten Änderungen.</translation>
    </message>
    <message>
      <source>Reason: %1</source>
      <translation>Grund: %1</translation>
    </message>
    <message>
      <source>The corrected change will be sent with the next sync.</source>
      <translation>Die korrigierte Änderung wird bei der nächsten Synchronisierung gesendet.</translation>
    </message>
    <message>
      <source>Discard change</source>
      <translation>Änderung verwerfen</translation>
    </message>
    <message>
      <source>Discard this change for good? It will not be sent to the server.</source>
      <translation>Diese Änderung endgültig verwerfen? Sie wird nicht an den Server gesendet.</translation>
    </message>
    <message>
      <source>Discard</source>
      <translation>Verwerfen</translation>
    </message>
    <message>
      <source>The change was discarded.</source>
      <translation>Die Änderung wurde verworfen.</translation>
    </message>
    <message>
      <source>Time</source>
      <translation>Uhrzeit</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>Kunde</translation>
    </message>
    <message>
      <source>City</source>
      <translation>Ort</translation>
    </message>
    <message>
      <source>Purpose</source>
      <translation>Anlass</translation>
    </message>
    <message>
      <source>Last visit</source>
      <translation>Letzter Besuch</translation>
    </message>
    <message>
      <source>never</source>
      <translation>nie</translation>
    </message>
    <message>
      <source>Cadence</source>
      <translation>Rhythmus</translation>
    </message>
    <message>
      <source>every %1 days</source>
      <translation>alle %1 Tage</translation>
    </message>
    <message>
      <source>Today, %1</source>
      <translation>Heute, %1</translation>
    </message>
    <message>
      <source>Visits today</source>
      <translation>Besuche heute</translation>
    </message>
    <message>
      <source>This week</source>
      <translation>Diese Woche</translation>
    </message>
    <message>
      <source>Overdue for a visit</source>
      <translation>Besuch überfällig</translation>
    </message>
    <message>
      <source>Follow-ups and requests</source>
      <translation>Wiedervorlagen und Bitten</translation>
    </message>
    <message>
      <source>Open follow-ups</source>
      <translation>Offene Wiedervorlagen</translation>
    </message>
    <message>
      <source>Start visit</source>
      <translation>Besuch beginnen</translation>
    </message>
    <message>
      <source>Check in to the selected (or next) visit and write the report</source>
      <translation>Beim gewählten (oder nächsten) Besuch einchecken und den Bericht schreiben</translation>
    </message>
    <message>
      <source>Asked of you (%1)</source>
      <translation>Bitten an Sie (%1)</translation>
    </message>
    <message>
      <source>Asked of you</source>
      <translation>Bitten an Sie</translation>
    </message>
    <message>
      <source>Answers (%1)</source>
      <translation>Antworten (%1)</translation>
    </message>
    <message>
      <source>Answers</source>
      <translation>Antworten</translation>
    </message>
    <message>
      <source>Planned</source>
      <translation>Geplant</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Checked in</source>
      <translation>Eingecheckt</translation>
    </message>
    <message>
      <source>Checked out</source>
      <translation>Ausgecheckt</translation>
    </message>
    <message>
      <source>Outcome</source>
      <translation>Ergebnis</translation>
    </message>
    <message>
      <source>Visits</source>
      <translation>Besuche</translation>
    </message>
    <message>
      <source>Previous week</source>
      <translation>Vorige Woche</translation>
    </message>
    <message>
      <source>Next week</source>
      <translation>Nächste Woche</translation>
    </message>
    <message>
      <source>Week planner</source>
      <translation>Wochenplaner</translation>
    </message>
    <message>
      <source>Drag a planned visit to another day to move it.</source>
      <translation>Einen geplanten Besuch auf einen anderen Tag ziehen, um ihn zu verschieben.</translation>
    </message>
    <message>
      <source>Visit list</source>
      <translation>Besuchsliste</translation>
    </message>
    <message>
      <source>Visit status filter</source>
      <translation>Besuchsstatusfilter</translation>
    </message>
    <message>
      <source>All visits</source>
      <translation>Alle Besuche</translation>
    </message>
    <message>
      <source>Check in</source>
      <translation>Einchecken</translation>
    </message>
    <message>
      <source>Check out</source>
      <translation>Auschecken</translation>
    </message>
    <message>
      <source>Report…</source>
      <translation>Bericht…</translation>
    </message>
  </context>
  <context>
    <name>Wipe</name>
    <message>
      <source>An administrator had this laptop's FieldCRM data deleted (a lost or handed-over laptop). Nothing of it is left here; sign in again to start afresh.</source>
      <translation>Ein Administrator hat die FieldCRM-Daten dieses Laptops löschen lassen (ein verlorener oder weitergegebener Laptop). Hier ist nichts davon übrig; melden Sie sich erneut an, um neu zu beginnen.</translation>
    </message>
    <message>
      <source>FieldCRM</source>
      <translation>FieldCRM</translation>
    </message>
  </context>
</TS>
