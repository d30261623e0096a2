//! The table itself: every string the user sees, one row per key, Swedish then English (see
//! the parent module for how it is made and read).

table! {
    skip_to_content: "Hoppa till innehållet", "Skip to content";
    landing_title:
        "Samtal – anteckningar från gruppsamtal",
        "Samtal – notes from group discussions";
    landing_text:
        "Öppna länken du har fått av den som leder utbildningsdagen. Länken leder till din grupps frågor och anteckningar.",
        "Open the link you got from the person leading the training day. It takes you to your group's questions and notes.";
    loading: "Laddar…", "Loading…";
    invalid_link:
        "Länken fungerar inte. Den kan ha bytts ut mot en ny. Fråga den som leder dagen efter en ny länk.",
        "This link does not work. It may have been replaced. Ask the person leading the day for a new link.";
    expired_link:
        "Den här workshopen är stängd. Länken fungerar inte längre.",
        "This workshop is closed. The link no longer works.";
    expired_named:
        "Workshopen ”{title}” är stängd. Länken fungerade till och med {until}.",
        "The workshop “{title}” is closed. The link worked until {until}.";
    expired_ask:
        "Behöver du materialet eller anteckningarna? Fråga den som ledde dagen, eller din chef.",
        "Do you need the material or the notes? Ask the person who led the day, or your manager.";
    no_server_first_time:
        "Kan inte nå servern. Första gången du öppnar en länk behöver datorn vara uppkopplad. Försök igen om en stund.",
        "Cannot reach the server. The first time you open a link this computer must be online. Try again in a moment.";
    group: "Grupp", "Group";
    questions: "Frågor att diskutera", "Questions to discuss";
    cases: "Fall att reflektera kring", "Cases to reflect on";
    your_answer: "Gruppens svar", "The group's answer";
    no_names_hint:
        "Skriv inte namn, personnummer eller annat som kan peka ut en person.",
        "Do not write names, personal identity numbers or anything else that could identify a person.";
    material: "Material", "Material";
    saved_here: "Sparat på den här datorn", "Saved on this computer";
    saving: "Sparar…", "Saving…";
    storage_full:
        "Datorns lagring är full. Anteckningarna finns kvar så länge sidan är öppen och skickas till servern när den går att nå. Stäng inte sidan.",
        "This computer's storage is full. Your notes stay while this page is open and are sent to the server when it can be reached. Do not close the page.";
    synced: "Synkat med servern", "Synced with the server";
    offline: "Offline – sparat på den här datorn", "Offline – saved on this computer";
    server_problem:
        "Servern tog inte emot ändringarna. De finns kvar på den här datorn; Samtal försöker igen av sig själv. Hjälper det inte: kontakta den som leder dagen.",
        "The server did not accept the changes. They are kept on this computer and Samtal retries by itself. If that does not help, contact the person leading the day.";
    no_notes_yet: "Inget skrivet ännu.", "Nothing written yet.";
    language_switch: "In English", "På svenska";
    a11y_link: "Tillgänglighet", "Accessibility";
    privacy_link: "Integritet och lagring", "Privacy and storage";
    a11y_title: "Tillgänglighetsredogörelse för Samtal", "Accessibility statement for Samtal";
    a11y_body:
        "Samtal ska kunna användas av alla. Här beskriver vi hur Samtal uppfyller lagen om tillgänglighet till digital offentlig service (2018:1937) och kraven i WCAG 2.1 nivå AA.\n\nDu kan använda Samtal med bara tangentbordet och med skärmläsare. Du kan förstora texten till 200 procent utan att något försvinner. En skärmläsare läser upp när anteckningarna är sparade eller om något är fel. Varje ny version testas automatiskt med verktyget axe och med ett test som bara använder tangentbordet.\n\nKända brister: QR-koderna går inte att läsa för den som inte ser dem. Därför står länken alltid som text bredvid. I presentationsläget kan det bli mycket text när många grupper har skrivit långa svar.\n\nHittar du en brist? Kontakta den som leder utbildningsdagen eller den organisation som driver tjänsten. Du kan också anmäla till Myndigheten för digital förvaltning (Digg), som har tillsyn över lagen.\n\nRedogörelsen uppdaterades den 24 november 2026.",
        "Samtal should be usable by everyone. This statement describes how Samtal meets the Swedish act on accessibility to digital public services (2018:1937) and WCAG 2.1 level AA.\n\nYou can use Samtal with only a keyboard and with a screen reader. You can zoom text to 200 percent without losing content. A screen reader announces when notes are saved or when something is wrong. Every new version is tested automatically with the axe tool and with a keyboard-only test.\n\nKnown issues: QR codes cannot be read by people who cannot see them, so the link is always shown as text next to them. In presentation mode there can be a lot of text when many groups have written long answers.\n\nFound a problem? Contact the person leading the training day or the organisation running the service. You can also report it to the Agency for Digital Government (Digg), which supervises the act.\n\nThis statement was updated on 24 November 2026.";
    privacy_title: "Integritet och lagring", "Privacy and storage";
    privacy_body:
        "Vad sparas? Det som grupperna skriver, samtalsledarens sammanfattning och uppföljning, och dagens material och frågor. Du behöver inget konto och vi sparar inga namn. Skriv inte namn, personnummer eller annat som kan peka ut en person i anteckningarna.\n\nVarje ändring sparas med tidpunkt, så att samtalsledaren kan se hur texten såg ut tidigare och ta tillbaka text som har försvunnit. Om ni ger enheten ett namn (till exempel ”Konferensrum 3”) sparas namnet med ändringarna som görs på den. Namnet finns bara i den här workshopens anteckningar och raderas med dem.\n\nVar sparas det? På servern som din organisation driver, i en databas. Och i webbläsaren på den dator eller telefon där du öppnar länken, så att anteckningarna finns kvar även utan nätverk.\n\nHur länge? Länken för den som inte var med fungerar till det datum som samtalsledaren har valt, normalt 14 dagar efter utbildningsdagen. Servern raderar workshopen automatiskt när den har varit stängd i 90 dagar (organisationen kan ändra tiden), om den inte raderas tidigare.\n\nHur raderar man? Samtalsledaren kan radera hela workshopen när som helst: Förbered, sedan Radera allt. På en delad dator tar du bort det som är sparat med knappen Rensa sparade data på den här datorn längst ned på sidan.\n\nSamtal använder ingen spårning, och inga kakor för deltagarna. Länken är nyckeln till anteckningarna, så dela den bara med din grupp. Servern sparar inte själva länkarna, bara ett kontrollvärde.\n\nInloggning för samtalsledare: om organisationen har slagit på den kan samtalsledare logga in med sitt konto i organisationen. Då sparas ditt konto-id från inloggningen, ditt namn och din e-postadress, vilka workshoppar du äger, och en inloggningskaka i webbläsaren så länge du är inloggad. Uppgifterna raderas när din sista workshop raderas, inom en timme efter att din inloggning har gått ut om du inte äger någon workshop, eller när du ber den som sköter servern om det. Deltagarna loggar aldrig in.",
        "What is stored? What the groups write, the facilitator's summary and follow-up, and the day's material and questions. You need no account and no names are stored. Do not write names, personal identity numbers or anything else that could identify a person in the notes.\n\nEvery change is saved with its time, so that the facilitator can see earlier versions of a text and bring back text that was lost. If you name the device (for example “Conference room 3”), the name is saved with the changes made on it. The name exists only in this workshop's notes and is erased with them.\n\nWhere is it stored? On the server your organisation runs, in a database. And in the browser of the computer or phone where you open the link, so the notes are there even without a network.\n\nFor how long? The catch-up link works until the date the facilitator chose, normally 14 days after the training day. The server erases the workshop automatically when it has been closed for 90 days (the organisation can change this), unless it is erased earlier.\n\nHow do I erase it? The facilitator can erase the whole workshop at any time: Prepare, then Erase everything. On a shared computer, remove what is saved with the button Clear data saved on this computer at the bottom of the page.\n\nSamtal uses no tracking, and no cookies for participants. The link is the key to the notes, so share it only with your group. The server does not store the links themselves, only a check value.\n\nSign-in for facilitators: if your organisation has turned it on, facilitators can sign in with their organisation account. Then the account id from the sign-in, your name and your e-mail address, which workshops you own, and a sign-in cookie in the browser while you are signed in are stored. They are erased when your last workshop is erased, within an hour after your sign-in ends if you own no workshop, or when you ask whoever runs the server. Participants never sign in.";
    back_to_start: "Till startsidan", "To the start page";
    saved_sending:
        "Sparat på den här datorn – skickar till servern…",
        "Saved on this computer – sending to the server…";
    corrupt_data:
        "Sparade data på den här datorn gick inte att läsa och hoppades över. Anteckningarna hämtas från servern.",
        "Data saved on this computer could not be read and was skipped. The notes are fetched from the server.";
    clear_local: "Rensa sparade data på den här datorn", "Clear data saved on this computer";
    clear_confirm:
        "Allt som Samtal har sparat på den här datorn tas bort. Det som redan är synkat finns kvar på servern. Fortsätt?",
        "Everything Samtal saved on this computer is removed. What is already synced stays on the server. Continue?";
    clear_unsynced:
        "Varning: allt är inte skickat till servern än. Det som inte har skickats försvinner om du rensar nu. Vill du ändå rensa?",
        "Warning: not everything has reached the server yet. What has not been sent is lost if you clear now. Clear anyway?";
    update_available:
        "Det finns en ny version av Samtal. Dina anteckningar är sparade; ladda om när det passar.",
        "A new version of Samtal is available. Your notes are saved; reload when it suits you.";
    update_reload: "Ladda om nu", "Reload now";
    crashed:
        "Något gick fel i Samtal. Det som visades som sparat finns kvar på den här datorn. Ladda om sidan.",
        "Something went wrong in Samtal. What was shown as saved is still on this computer. Reload the page.";
    reload: "Ladda om sidan", "Reload the page";
    create_title: "Skapa en ny workshop", "Create a new workshop";
    create_intro:
        "Börja från ett kurspaket, eller fyll i namn, datum och grupper och lägg till frågor, fall och material i nästa steg.",
        "Start from a course package, or fill in the name, date and groups and add questions, cases and material in the next step.";
    package_file: "Kurspaket (valfritt)", "Course package (optional)";
    package_file_hint:
        "En .json-fil som sparats med ”Spara som kurspaket”. Den har frågor, fall, material och grupper.",
        "A .json file saved with “Save as course package”. It has the questions, cases, material and groups.";
    package_loaded:
        "Kurspaket: {title} (frågor: {questions}, fall: {cases}, grupper: {groups}).",
        "Course package: {title} (questions: {questions}, cases: {cases}, groups: {groups}).";
    package_remove: "Ta bort kurspaketet", "Remove the course package";
    package_refused: "Kurspaketet kunde inte läsas:", "The course package could not be read:";
    package_field: "(fältet {field})", "(field {field})";
    date_past_confirm:
        "Datumet har redan varit. Vill du använda det ändå?",
        "That date has already passed. Use it anyway?";
    mine_title: "Dina workshops på den här datorn", "Your workshops on this computer";
    // Sign-in for facilitators (servers with sign-in) and "Mina workshops".
    sign_in: "Logga in", "Sign in";
    sign_out: "Logga ut", "Sign out";
    signed_in_as: "Inloggad som {name}", "Signed in as {name}";
    account_title: "Mina workshops", "My workshops";
    account_intro:
        "Logga in med ditt konto i organisationen, så hittar du dina workshoppar från vilken dator som helst.",
        "Sign in with your organisation account to find your workshops from any computer.";
    account_off:
        "Den här servern har ingen inloggning. Dina workshoppar finns i listan på startsidan, i den webbläsare där du skapade dem.",
        "This server has no sign-in. Your workshops are in the list on the start page, in the browser where you created them.";
    account_empty:
        "Du äger inga workshoppar än. Skapa en på startsidan.",
        "You own no workshops yet. Create one on the start page.";
    account_may_not_create:
        "Ditt konto får öppna workshoppar som delats med dig, men inte skapa nya.",
        "Your account may open workshops shared with you, but not create new ones.";
    account_created: "Skapad {date}", "Created {date}";
    account_open: "Öppna", "Open";
    account_open_label: "Öppna {title}", "Open {title}";
    account_share_label: "Dela {title} med (e-postadress)", "Share {title} with (e-mail address)";
    account_share: "Dela", "Share";
    account_shared: "Delad med {email}. Hen hittar workshopen här när hen loggar in.", "Shared with {email}. They find the workshop here when they sign in.";
    account_link: "Mina workshops", "My workshops";
    account_owners: "Ägare: {owners}", "Owners: {owners}";
    // The operators' page (`/drift`, SAMTAL_OIDC_ADMINS).
    admin_link: "Drift: alla workshoppar", "Operations: all workshops";
    admin_title: "Drift", "Operations";
    admin_intro:
        "Alla workshoppar på servern. Här syns aldrig anteckningar eller länkar.",
        "Every workshop on the server. Notes and links are never shown here.";
    admin_retention:
        "Stängda workshoppar raderas automatiskt efter {days} dagar. Servern rymmer högst {max} workshoppar. Inställningarna ändras av den som driftar servern (SAMTAL_RETENTION_DAYS, SAMTAL_MAX_WORKSHOPS).",
        "Closed workshops are erased automatically after {days} days. The server holds at most {max} workshops. Whoever runs the server changes these (SAMTAL_RETENTION_DAYS, SAMTAL_MAX_WORKSHOPS).";
    admin_count: "Workshoppar: {n}", "Workshops: {n}";
    admin_col_title: "Workshop", "Workshop";
    admin_col_owners: "Ägare", "Owners";
    admin_col_created: "Skapad", "Created";
    admin_col_phase: "Fas", "Phase";
    admin_col_size: "Storlek", "Size";
    admin_col_last: "Senast ändrad", "Last change";
    admin_no_owner: "ingen (skapad med administratörskod)", "none (created with the administrator code)";
    admin_erase: "Radera", "Erase";
    admin_erase_label: "Radera {title}", "Erase {title}";
    admin_erase_confirm:
        "Radera {title} med alla anteckningar för gott? Det går inte att ångra.",
        "Erase {title} with all its notes for good? This cannot be undone.";
    admin_erased: "{title} är raderad.", "{title} is erased.";
    mine_hint:
        "Listan finns bara i den här webbläsaren. Spara din länk någon annanstans också.",
        "This list is only in this browser. Keep your link somewhere else too.";
    mine_forget: "Glöm", "Forget";
    mine_forget_label: "Glöm {title} på den här datorn", "Forget {title} on this computer";
    new_link_title: "Spara din länk nu", "Save your link now";
    new_link_text:
        "Länken är den enda nyckeln till workshopen. Den som har den kan ändra allt, och utan den kommer du inte tillbaka från en annan dator. Dela den inte med grupperna.",
        "The link is the only key to the workshop. Whoever has it can change everything, and without it you cannot get back from another computer. Do not share it with the groups.";
    new_link_mail: "Mejla länken till mig", "E-mail the link to me";
    new_link_mail_subject: "Min länk till {title}", "My link to {title}";
    new_link_mail_body:
        "Min länk som samtalsledare för {title} ({date}):\n{link}\n\nLänken är nyckeln till workshopen. Dela den inte.",
        "My facilitator link for {title} ({date}):\n{link}\n\nThe link is the key to the workshop. Do not share it.";
    new_link_done: "Jag har sparat länken", "I have saved the link";
    copied: "Kopierad", "Copied";
    field_title: "Namn på dagen", "Name of the day";
    field_date: "Datum", "Date";
    field_groups: "Grupper, en per rad", "Groups, one per line";
    field_groups_hint:
        "Till exempel: Barn och unga, Vuxen, Funktionsstöd. Varje grupp får ett eget område med samma namn.",
        "For example: Children and youth, Adults, Disability support. Each group gets an area with the same name.";
    field_admin:
        "Administratörskod (bara om servern kräver det)",
        "Administrator code (only if the server asks for it)";
    create_button: "Skapa workshop", "Create workshop";
    create_failed: "Det gick inte att skapa workshopen:", "The workshop could not be created:";
    facilitator: "Samtalsledare", "Facilitator";
    tab_live: "Grupperna nu", "Groups now";
    tab_plenary: "Storgrupp", "Plenary";
    tab_setup: "Förbered", "Prepare";
    tab_links: "Länkar", "Links";
    phase_label: "Fas", "Phase";
    phase_prep: "Förberedelse", "Preparation";
    phase_groups: "Gruppsamtal", "Group work";
    phase_plenary: "Storgrupp", "Plenary";
    phase_followup: "Uppföljning", "Follow-up";
    phase_closed: "Stängd", "Closed";
    phase_now_prep: "Förberedelse: dagen har inte börjat än.", "Preparation: the day has not started yet.";
    phase_now_groups: "Gruppsamtal pågår.", "Group discussions are under way.";
    phase_now_plenary: "Vi samlas i storgrupp.", "We are meeting in the plenary.";
    phase_now_followup: "Uppföljning: ni kan fortfarande skriva.", "Follow-up: you can still write.";
    phase_now_closed: "Stängd – anteckningarna kan inte längre ändras.", "Closed – the notes can no longer be changed.";
    held_back: "Workshoppen har stängts. Det ni skrev efter att den stängdes har inte kommit fram till servern. Texten finns kvar här på skärmen och skickas om ledaren öppnar workshoppen igen.", "The workshop has been closed. What you wrote after it closed has not reached the server. The text is still here on the screen and is sent if the facilitator reopens the workshop.";
    vote_heading: "Omröstning", "Vote";
    vote_intro: "Sätt prickar på det ni vill ta upp. Ni kan flytta dem tills omröstningen stängs. Den är anonym: prickarna sparas utan namn och utan enhetens namn.", "Put dots on what you want to take up. You can move them until the vote closes. It is anonymous: the dots are stored without names and without the device's name.";
    vote_dots_left: "Den här enheten har {n} av {m} prickar kvar.", "This device has {n} of {m} dots left.";
    vote_your_dots: "Era prickar: {n}", "Your dots: {n}";
    vote_add: "Lägg en prick", "Add a dot";
    vote_add_on: " på svaret från {group}", " to the answer from {group}";
    vote_remove: "Ta bort en prick", "Remove a dot";
    vote_remove_on: " från svaret från {group}", " from the answer from {group}";
    vote_closed: "Omröstningen är avslutad.", "The vote is closed.";
    vote_open: "Rösta om svaren", "Vote on the answers";
    vote_on_field: "Rösta om ”{field}” i alla fall", "Vote on “{field}” across the cases";
    vote_open_hint: "Varje enhet får {n} prickar.", "Each device gets {n} dots.";
    vote_close: "Avsluta omröstningen", "Close the vote";
    vote_discard: "Ta bort omröstningen", "Remove the vote";
    vote_to_follow_up: "Gör till åtgärd", "Make it an action";
    vote_made_follow_up: "Finns bland åtgärderna", "Among the actions";
    vote_dots_n: "Prickar: {n}", "Dots: {n}";
    vote_results: "Resultat", "Results";
    vote_live: "pågår", "under way";
    held_back_short: "Stängd – inte allt är skickat", "Closed – not everything was sent";
    text_size: "Textstorlek", "Text size";
    text_bigger: "Större text", "Larger text";
    text_smaller: "Mindre text", "Smaller text";
    timer_left: "Tid kvar", "Time left";
    timer_paused: "(pausad)", "(paused)";
    timer_soon: "Två minuter kvar.", "Two minutes left.";
    timer_out: "Tiden är ute.", "Time is up.";
    timer_title: "Nedräkning i alla rum", "Countdown in every room";
    timer_minutes: "Minuter", "Minutes";
    timer_start: "Starta", "Start";
    timer_pause: "Pausa", "Pause";
    timer_resume: "Fortsätt", "Resume";
    timer_extend: "+5 minuter", "+5 minutes";
    timer_stop: "Stoppa", "Stop";
    message_title: "Meddelande till alla grupper", "Message to all groups";
    message_label: "Meddelande", "Message";
    message_hint:
        "Visas överst på varje grupps sida tills du tar bort det. Till exempel: Vi samlas i storgrupp om 5 minuter.",
        "Shown at the top of every group's page until you remove it. For example: We meet in the plenary in 5 minutes.";
    message_send: "Visa för alla grupper", "Show to all groups";
    message_clear: "Ta bort meddelandet", "Remove the message";
    connected: "Ansluten", "Connected";
    not_connected: "Inte ansluten", "Not connected";
    last_sync: "Senast synkad:", "Last synced:";
    never: "inte sedan servern startade", "not since the server started";
    just_now: "nyss", "just now";
    minutes_ago: "för {n} min sedan", "{n} min ago";
    answers_count: "Frågor med anteckningar: {n} av {m}", "Questions with notes: {n} of {m}";
    cases_count: "Fall med anteckningar: {n} av {m}", "Cases with notes: {n} of {m}";
    setup_title: "Namn på dagen", "Name of the day";
    setup_date: "Datum", "Date";
    setup_access_until: "Efterhandslänken fungerar till och med", "The catch-up link works until";
    setup_materials:
        "Material (länkar till film och bilder)",
        "Material (links to film and slides)";
    setup_material_title: "Titel", "Title";
    setup_material_url: "Adress (https://…)", "Address (https://…)";
    setup_add_material: "Lägg till material", "Add material";
    remove: "Ta bort", "Remove";
    setup_areas: "Verksamhetsområden", "Areas of work";
    setup_add_area: "Lägg till område", "Add area";
    setup_questions: "Diskussionsfrågor", "Discussion questions";
    setup_question: "Fråga", "Question";
    setup_question_area: "Gäller", "For";
    all_groups: "Alla grupper", "All groups";
    setup_add_question: "Lägg till fråga", "Add question";
    setup_fields: "Reflektionsfrågor för fallen", "Reflection fields for the cases";
    setup_field: "Rubrik", "Heading";
    setup_add_field: "Lägg till reflektionsfråga", "Add reflection field";
    setup_cases: "Fallbeskrivningar", "Case descriptions";
    setup_case_title: "Rubrik", "Title";
    setup_area: "Område", "Area";
    setup_case_body: "Beskrivning", "Description";
    setup_add_case: "Lägg till fall", "Add case";
    setup_groups: "Grupper", "Groups";
    setup_group_name: "Namn", "Name";
    setup_add_group: "Lägg till grupp", "Add group";
    setup_new_area: "Nytt område", "New area";
    setup_new_group: "Ny grupp", "New group";
    setup_add: "Lägg till", "Add";
    move_up: "Flytta upp {item}", "Move {item} up";
    move_down: "Flytta ner {item}", "Move {item} down";
    group_no_case: "Området {area} har inget fall än.", "The area {area} has no case yet.";
    facilitator_note: "Tips till dig", "A tip for you";
    facilitator_note_label:
        "Tips till samtalsledaren (syns inte för grupperna)",
        "A tip for the facilitator (the groups do not see it)";
    case_link_title: "Länk till fallet, till exempel en filmad kommentar", "Link for the case, for example a filmed commentary";
    add_case_link: "Lägg till länk till fallet", "Add a link for the case";
    case_own_fields:
        "Egna reflektionsfrågor för det här fallet",
        "Reflection fields of its own for this case";
    paste_open: "Klistra in frågor och fall", "Paste questions and cases";
    paste_intro:
        "Kopiera frågor och fall från Word eller en PDF och klistra in dem här. Numrerade rader och punktlistor blir frågor, en rubrik med stycken under blir ett fall. Inget läggs till förrän du bekräftar.",
        "Copy questions and cases from Word or a PDF and paste them here. Numbered and bulleted lines become questions, a heading with paragraphs below becomes a case. Nothing is added until you confirm.";
    paste_label: "Text att klistra in", "Text to paste";
    paste_propose: "Visa förslag", "Show proposal";
    paste_found:
        "Förslag – frågor: {questions}, fall: {cases}.",
        "Proposal – questions: {questions}, cases: {cases}.";
    paste_nothing:
        "Inga frågor eller fall hittades. Numrera frågorna, eller sätt en kort rubrik över varje fall.",
        "No questions or cases were found. Number the questions, or put a short heading above each case.";
    paste_case_area: "Område för fallen", "Area for the cases";
    paste_left_out: "Det här användes inte:", "This was not used:";
    paste_confirm: "Lägg till förslaget", "Add the proposal";
    paste_added: "Tillagt – frågor: {questions}, fall: {cases}.", "Added – questions: {questions}, cases: {cases}.";
    cancel: "Avbryt", "Cancel";
    round_n: "Omgång {n}", "Round {n}";
    rounds_all: "Alla omgångar", "All rounds";
    round_switch: "Visa omgång", "Show round";
    mixed_from: "blandad: {areas}", "mixed: {areas}";
    common_questions: "gemensamma frågor", "shared questions";
    mixed_group_name: "Blandad grupp {n}", "Mixed group {n}";
    new_round_open: "Ny omgång i blandade grupper…", "New round in mixed groups…";
    new_round_title: "Ny omgång i blandade grupper", "New round in mixed groups";
    new_round_intro:
        "Samtal föreslår nya grupper där var och en får deltagare från olika områden. Ändra antal, namn och storlek. Varje ny grupp får en egen länk och egna anteckningar; det som redan är skrivet finns kvar.",
        "Samtal proposes new groups that each get people from different areas. Change the number, names and sizes. Each new group gets its own link and its own notes; what was written stays.";
    new_round_from_round: "Utgå från", "Start from";
    new_round_people: "Deltagare i {name}", "People in {name}";
    new_round_count: "Antal nya grupper", "Number of new groups";
    new_round_name: "Namn på grupp {n}", "Name of group {n}";
    new_round_size: "Deltagare i grupp {n}", "People in group {n}";
    new_round_topic: "Samtalar om (grupp {n})", "Discusses (group {n})";
    new_round_from: "Från: {list}", "From: {list}";
    new_round_unplaced:
        "{n} deltagare får ingen plats. Gör någon grupp större.",
        "{n} people have no place. Make a group larger.";
    new_round_start: "Starta omgång {n}", "Start round {n}";
    new_round_started:
        "Omgång {n} har startat. De nya länkarna finns under Länkar.",
        "Round {n} has started. The new links are under Links.";
    new_round_max: "En workshop kan ha högst {n} omgångar.", "A workshop can have at most {n} rounds.";
    setup_saved_hint:
        "Det du skriver sparas medan du skriver, även utan nätverk.",
        "What you type is saved as you type, even without a network.";
    save_package: "Spara som kurspaket", "Save as course package";
    save_package_hint:
        "En fil med dagens upplägg, utan anteckningar och länkar, att börja från nästa gång.",
        "A file with the day's setup, without notes or links, to start from next time.";
    copy_workshop: "Skapa kopia", "Make a copy";
    copy_intro:
        "En ny workshop med samma upplägg: nytt datum, nya länkar och inga anteckningar.",
        "A new workshop with the same setup: a new date, new links and no notes.";
    copy_button: "Skapa kopian", "Create the copy";
    close_confirm:
        "Stänga workshopen? Den raderas helt när den har varit stängd i lagringstiden (normalt 90 dagar). Efterhandslänken fungerar till {until}; det datumet ändrar du under Förbered.",
        "Close the workshop? It is erased completely once it has been closed for the retention period (normally 90 days). The catch-up link works until {until}; you change that date under Prepare.";
    reuse_title: "Använda upplägget igen", "Use the setup again";
    erase_title: "Radera workshopen", "Erase the workshop";
    erase_text:
        "Allt raderas från servern: gruppernas anteckningar, sammanfattningen och alla länkar. Det går inte att ångra.",
        "Everything is deleted from the server: the groups' notes, the summary and every link. This cannot be undone.";
    erase_button: "Radera allt", "Erase everything";
    erase_confirm:
        "Vill du radera «{title}» med alla anteckningar? Det går inte att ångra.",
        "Erase «{title}» with all its notes? This cannot be undone.";
    erased: "Workshopen är raderad från servern.", "The workshop has been erased from the server.";
    erase_failed:
        "Det gick inte att radera. Kontrollera nätverket och försök igen.",
        "Could not erase. Check the network and try again.";
    links_intro:
        "Ge varje grupp sin länk eller QR-kod. Den som inte var med får efterhandslänken.",
        "Give each group its link or QR code. People who missed the day get the catch-up link.";
    group_link: "Länk för gruppen", "The group's link";
    catch_up_link:
        "Efterhandslänk (för den som inte var med)",
        "Catch-up link (for those who missed the day)";
    facilitator_link: "Din egen länk (dela den inte)", "Your own link (do not share it)";
    copy: "Kopiera", "Copy";
    rotate: "Byt länk", "Replace link";
    rotate_confirm:
        "Den gamla länken slutar fungera direkt och de som använder den kopplas bort. Fortsätt?",
        "The old link stops working at once and anyone using it is disconnected. Continue?";
    rotated: "Länken är utbytt.", "The link has been replaced.";
    email_heading: "E-post till gruppledarna", "E-mail to the group leaders";
    email_catch_up_heading: "E-post till dem som inte var med", "E-mail to those who were away";
    email_open: "Öppna i e-postprogrammet", "Open in the e-mail program";
    mail_group_subject: "Gruppens anteckningar {date}: {title} ({group})", "Your group's notes {date}: {title} ({group})";
    mail_group_body:
        "Hej!\n\nDen {date} har vi utbildningsdagen «{title}». Du är gruppledare för {group}.\nTid och plats: (fyll i)\n\nÖppna länken på datorn i konferensrummet, så att alla ser skärmen:\n{link}\n\nSå går det till\n- En person skriver på rummets skärm medan gruppen samtalar. Anteckningarna sparas på datorn även om nätverket försvinner och skickas till servern när det går.\n- Skriv inga namn eller andra uppgifter som kan peka ut en person: inte klienters, brukares eller kollegers.\n- {reader} läser anteckningarna i storgruppen, och kolleger som inte kunde vara med läser dem efteråt.\n\nOm länken inte öppnas: se efter att hela länken kom med, pröva en annan webbläsare (Edge, Chrome, Firefox eller Safari) eller skanna QR-koden med en telefon. Hör av dig till mig om det ändå inte går.\n\nVälkomna!",
        "Hello,\n\nOn {date} we have the training day «{title}». You lead the group {group}.\nTime and place: (fill in)\n\nOpen the link on the conference-room computer, so that everyone sees the screen:\n{link}\n\nHow it works\n- One person types on the room's screen while the group talks. The notes are saved on the computer even if the network drops and are sent to the server when it can be reached.\n- Write no names or other details that could identify a person: not of clients, service users or colleagues.\n- {reader} reads the notes in the plenary, and colleagues who could not come read them afterwards.\n\nIf the link does not open: check that the whole link came through, try another browser (Edge, Chrome, Firefox or Safari) or scan the QR code with a phone. Let me know if it still does not work.\n\nWelcome!";
    mail_reader_named: "Samtalsledaren {name}", "The facilitator, {name},";
    mail_reader: "Samtalsledaren", "The facilitator";
    mail_catch_up_subject: "Allt från {title} ({date})", "Everything from {title} ({date})";
    mail_catch_up_body:
        "Hej!\n\nDu kunde inte vara med på utbildningsdagen «{title}» den {date}. Här finns allt från dagen: materialet, frågorna, gruppernas anteckningar, sammanfattningen och vad som ska följas upp:\n{link}\n\nLänken fungerar till och med {until}. Du behöver inget konto, och inget du gör på sidan ändrar anteckningarna.{meeting}\n\nHar du en fråga eller en utmaning som du vill ta upp på uppföljningsmötet (\"Vad gör vi när …\")? Skriv den i rutan \"Frågor till uppföljningsmötet\" längst ned på sidan. Den skickas utan namn, och jag tar med den.\n\nHälsningar",
        "Hello,\n\nYou could not come to the training day «{title}» on {date}. Everything from the day is here: the material, the questions, the groups' notes, the summary and what will be followed up:\n{link}\n\nThe link works until {until}. You need no account, and nothing you do on the page changes the notes.{meeting}\n\nDo you have a question or a challenge to raise at the follow-up meeting (\"What do we do when …\")? Write it in the box \"Questions for the follow-up meeting\" at the bottom of the page. It is sent without a name, and I will take it along.\n\nBest regards";
    qr_sheet: "Skriv ut QR-blad", "Print QR sheets";
    print_hint:
        "Skriv ut med Ctrl+P (⌘P på Mac). Den här raden kommer inte med på papperet.",
        "Print with Ctrl+P (⌘P on a Mac). This line is not printed.";
    qr_sheet_hint:
        "Ett A4-blad per grupp att lägga i konferensrummet, och ett för efterhandslänken.",
        "One A4 sheet per group to leave in the conference room, and one for the catch-up link.";
    qr_sheet_title: "QR-blad: {title}", "QR sheets: {title}";
    qr_group_step1:
        "Öppna länken på datorn i konferensrummet, eller skanna koden med en telefon.",
        "Open the link on the conference-room computer, or scan the code with a phone.";
    qr_group_step2:
        "En person skriver på skärmen medan ni samtalar. Skriv inga namn.",
        "One person types on the screen while you talk. Write no names.";
    qr_catch_up_step1:
        "Var du inte med? Skanna koden eller skriv in länken.",
        "Were you away? Scan the code or type in the link.";
    qr_catch_up_step2:
        "Där finns allt från dagen, till och med {date}.",
        "Everything from the day is there, until {date}.";
    mail_meeting: " Uppföljningsmötet är den {date}.", " The follow-up meeting is on {date}.";
    links_need_network:
        "Länkarna hämtas från servern. Anslut till nätverket för att se dem.",
        "Links come from the server. Connect to the network to see them.";
    qr_alt: "QR-kod med länken för {name}", "QR code with the link for {name}";
    summary: "Sammanfattning", "Summary";
    summary_label:
        "Sammanfattning av frågan (syns för alla efteråt)",
        "Summary of the question (everyone sees it afterwards)";
    lifted: "Lyft till storgruppen", "Lifted to the plenary";
    lift: "Lyft till storgruppen", "Lift to the plenary";
    follow_up: "Uppföljning", "Follow-up";
    fu_what: "Vad ska göras", "What to do";
    fu_who: "Vem", "Who";
    fu_when: "När", "When";
    add_follow_up: "Lägg till åtgärd", "Add action";
    present: "Visa på storskärm", "Show on the big screen";
    present_hint:
        "Piltangenterna byter bild, F visar helskärm, Esc avslutar.",
        "Arrow keys change slide, F shows full screen, Esc leaves.";
    case_n_of: "Fall {n} av {m}", "Case {n} of {m}";
    page_n_of: "sida {n} av {m}", "page {n} of {m}";
    slide_n_of: "Bild {n} av {m}", "Slide {n} of {m}";
    silent_groups: "Inget skrivet än: {names}", "Nothing written yet: {names}";
    no_answers_yet: "Inga svar ännu.", "No answers yet.";
    fullscreen: "Helskärm", "Full screen";
    exit_fullscreen: "Lämna helskärm", "Leave full screen";
    fu_status: "Status", "Status";
    exit_present: "Avsluta", "Leave";
    prev: "Föregående", "Previous";
    next: "Nästa", "Next";
    question_n_of: "Fråga {n} av {m}", "Question {n} of {m}";
    export_md: "Ladda ner som Markdown", "Download as Markdown";
    export_html: "Utskriftsvänlig version", "Printable version";
    waiting_for_server:
        "Fältet går att skriva i när datorn har haft kontakt med servern.",
        "You can write here once this computer has been in touch with the server.";
    catchup_title: "Till dig som inte var med", "For those who missed the day";
    catchup_intro:
        "Här finns allt från dagen: material, frågor, gruppernas anteckningar, sammanfattningen och vad som ska följas upp.",
        "Everything from the day is here: material, questions, the groups' notes, the summary and what will be followed up.";
    open_until: "Sidan är öppen till och med {date}.", "This page is open until {date}.";
    no_summary_yet: "Ingen sammanfattning ännu.", "No summary yet.";
    nothing_to_follow_up: "Inga åtgärder ännu.", "No actions yet.";
    no_questions_yet:
        "Inga frågor ännu. Lägg till dem under Förbered.",
        "No questions yet. Add them under Prepare.";
    tab_history: "Historik", "History";
    history_intro:
        "Dra i reglaget för att se hur anteckningarna såg ut vid en viss tidpunkt. Färgerna visar vilken enhet som skrev vad.",
        "Drag the slider to see the notes as they were at a moment. The colours show which device wrote what.";
    history_moment: "Tidpunkt", "Moment";
    history_step: "Ändring {n} av {m} · {time} · {device}", "Change {n} of {m} · {time} · {device}";
    history_start: "Före första ändringen", "Before the first change";
    history_now: "Nu", "Now";
    history_empty: "Inga ändringar ännu.", "No changes yet.";
    history_jump: "Hoppa till:", "Jump to:";
    history_legend: "Skrivet av:", "Written by:";
    history_not_yet:
        "Fältet fanns inte ännu, eller var tomt.",
        "The field did not exist yet, or was empty.";
    unnamed_device: "enhet utan namn", "unnamed device";
    restore: "Återställ den här texten", "Restore this text";
    restore_confirm:
        "Ersätta den nuvarande texten i ”{field}” med texten från {time}? Den nuvarande texten finns kvar i historiken.",
        "Replace the current text of “{field}” with the text from {time}? The current text stays in the history.";
    restored:
        "Texten är återställd och skickas till alla.",
        "The text is restored and sent to everyone.";
    same_as_now: "Samma som nu.", "Same as now.";
    show_history: "Visa historiken", "Show the history";
    hide_history: "Dölj historiken", "Hide the history";
    device_prompt:
        "Namnge gärna enheten, till exempel ”Konferensrum 3”. Namnet visas i historiken. Inga personnamn.",
        "You may name this device, for example “Conference room 3”. The name shows in the history. No personal names.";
    device_label: "Enhetens namn", "Device name";
    device_save: "Spara namnet", "Save the name";
    device_skip: "Inte nu", "Not now";
    device_is: "Den här enheten: {name}", "This device: {name}";
    device_rename: "Byt namn", "Rename";
    device_name_it: "Ge enheten ett namn", "Name this device";
    news_heading: "Nytt sedan ditt senaste besök", "New since your last visit";
    news_first_visit:
        "Första besöket på den här datorn. Nästa gång du öppnar sidan markeras det som har skrivits sedan nu.",
        "Your first visit on this computer. Next time you open this page, what has been written since now will be marked.";
    news_none: "Inget nytt sedan ditt senaste besök.", "Nothing new since your last visit.";
    news_count: "{group}: {n} nya eller ändrade fält", "{group}: {n} new or changed fields";
    news_facilitator: "Samtalsledaren", "The facilitator";
    news_count_one: "{group}: 1 nytt eller ändrat fält", "{group}: 1 new or changed field";
    reading_only:
        "Du läser – inget du gör här ändrar anteckningarna",
        "You are reading – nothing you do here changes the notes";
    reader_current: "Du ser det senaste", "You see the latest";
    reader_fetching: "Hämtar det senaste …", "Fetching the latest …";
    reader_offline:
        "Offline – du ser det som sparats på den här datorn",
        "Offline – you see what this computer saved";
    news_badge: "Nytt", "New";
    news_removed: "{n} tecken har tagits bort.", "{n} characters were removed.";
    // Why a spec or an edit was refused (`Strings::invalid`).
    invalid_empty_title: "Dagen behöver ett namn.", "The day needs a name.";
    invalid_bad_date: "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-11-24.",
        "Write the date as YYYY-MM-DD, for example 2026-11-24.";
    invalid_no_groups: "Skriv minst en grupp.", "Add at least one group.";
    invalid_too_many_items: "Det får inte plats fler här (högst 200).",
        "There is no room for more here (200 at most).";
    invalid_too_long: "Texten är för lång.", "The text is too long.";
    invalid_access_days:
        "Efterhandslänken kan vara öppen i högst 3650 dagar.",
        "The catch-up link can stay open for at most 3650 days.";
    invalid_bad_id: "Det gick inte att lägga till (ogiltig id).", "This could not be added (invalid id).";
    invalid_duplicate_id: "Det finns redan en sådan.", "There is already one like it.";
    invalid_no_such_item: "Den finns inte längre. Någon kan ha tagit bort den.",
        "It is no longer there. Someone may have removed it.";
    invalid_empty_area: "Området behöver ett namn.", "The area needs a name.";
    invalid_empty_group_name: "Gruppen behöver ett namn.", "The group needs a name.";
    invalid_bad_url: "En länk börjar med https:// och har inga mellanslag.",
        "A link starts with https:// and has no spaces.";
    invalid_no_such_area: "Området finns inte bland dagens områden.",
        "The area is not one of the day's areas.";
    invalid_access_before_date: "Efterhandslänken kan inte sluta gälla före dagen.",
        "The catch-up link cannot close before the day.";
    invalid_follow_up_before_date: "Uppföljningsmötet kan inte vara före dagen.",
        "The follow-up meeting cannot be before the day.";
    // Why a request failed (`Strings::error`); the link errors are above.
    error_forbidden: "Den här länken får inte göra det.", "This link may not do this.";
    error_not_found: "Det finns inte (längre).", "It is not there (any more).";
    error_not_admin: "Administratörskoden stämmer inte.", "The administrator code is not right.";
    error_admin_closed:
        "Den här servern skapar bara workshoppar med administratörskod.",
        "This server creates workshops only with the administrator code.";
    error_bad_origin:
        "Förfrågan kom från en annan webbplats och stoppades.",
        "The request came from another website and was stopped.";
    error_busy:
        "Det är för många uppkopplade just nu. Försök igen om en minut.",
        "Too many are connected right now. Try again in a minute.";
    error_full:
        "Servern har inte plats för fler workshoppar. Kontakta den som sköter servern.",
        "The server has no room for more workshops. Contact whoever runs the server.";
    error_bad_request: "Servern förstod inte förfrågan.", "The server did not understand the request.";
    error_server:
        "Något gick fel på servern. Försök igen om en stund.",
        "Something went wrong on the server. Try again in a moment.";
    error_not_signed_in:
        "Du behöver logga in först.",
        "You need to sign in first.";
    error_may_not_create:
        "Ditt konto får inte skapa workshoppar på den här servern. Fråga den som sköter servern.",
        "Your account may not create workshops on this server. Ask whoever runs the server.";
    error_not_operator:
        "Det får bara de som sköter servern göra.",
        "Only those who run the server may do this.";
    error_sign_in_failed:
        "Inloggningen gick inte igenom. Försök logga in igen.",
        "The sign-in did not go through. Try signing in again.";
    change_failed: "Ändringen gick inte att göra.", "The change could not be made.";
    // The fixed texts of the Markdown and HTML exports.
    export_date: "Datum", "Date";
    export_open_until: "Öppen för efterhandstittare till", "Open for catch-up until";
    export_material: "Material", "Material";
    export_questions: "Frågor", "Questions";
    export_summary: "Sammanfattning", "Summary";
    export_groups_answers: "Gruppernas svar", "The groups' answers";
    export_lifted: "lyft till storgruppen", "lifted to the plenary";
    export_nothing: "(inget skrivet)", "(nothing written)";
    export_cases: "Fall", "Cases";
    export_area: "Område", "Area";
    export_follow_up: "Uppföljning", "Follow-up";
    export_owner: "Vem", "Who";
    export_due: "När", "When";
    export_generated: "Exporterat från Samtal", "Exported from Samtal";
    // The Word and PDF records (`record.rs`).
    export_docx: "Ladda ner som Word", "Download as Word";
    export_pdf: "Ladda ner som PDF", "Download as PDF";
    record_round: "Omgång", "Round";
    record_silent: "Ingen anteckning från: {names}", "No notes from: {names}";
    record_empty_fields: "Inget skrivet under: {fields}", "Nothing written under: {fields}";
    record_vote_open:
        "Omröstningen pågick fortfarande när det här togs fram.",
        "The vote was still open when this was made.";
    record_group: "Grupp", "Group";
    record_answer: "Svar", "Answer";
    record_dots: "Prickar", "Dots";
    record_action: "Åtgärd", "Action";
    record_status: "Status", "Status";
    status_not_started: "Ej påbörjad", "Not started";
    status_in_progress: "Pågår", "In progress";
    status_done: "Klar", "Done";
    record_moved: "{new} (först {old})", "{new} (first {old})";
    record_comment: "Kommentar", "Comment";
    record_organisation: "Organisation", "Organisation";
    record_facilitator: "Samtalsledare", "Facilitator";
    record_follow_up_meeting: "Uppföljningsmöte", "Follow-up meeting";
    record_overall: "Sammanfattning av dagen", "Summary of the day";
    tab_follow_up: "Uppföljning", "Follow-up";
    toc_label: "Innehåll", "Contents";
    setup_organisation: "Organisation (i protokollet)", "Organisation (in the record)";
    setup_facilitator_name: "Samtalsledarens namn (i protokollet)", "Facilitator's name (in the record)";
    follow_up_intro:
        "Här går ni igenom dagens åtgärder på uppföljningsmötet: var står de, vad sades, behöver något flyttas? Protokollet visar det som står här.",
        "Here you go through the day's actions at the follow-up meeting: where do they stand, what was said, does anything move? The record shows what is written here.";
    follow_up_meeting_date: "Datum för uppföljningsmötet", "Date of the follow-up meeting";
    follow_up_window:
        "Efterhandslänken fungerar till och med {date}, minst en vecka efter mötet.",
        "The catch-up link works until {date}, at least a week after the meeting.";
    follow_up_actions: "Åtgärder från dagen", "Actions from the day";
    follow_up_progress: "{done} av {n} klara", "{done} of {n} done";
    follow_up_no_actions:
        "Inga åtgärder ännu. De läggs till under Storgrupp.",
        "No actions yet. They are added under Plenary.";
    fu_comment: "Kommentar från uppföljningen", "Comment from the follow-up";
    fu_new_due: "Nytt datum", "New date";
    invalid_empty_question: "Skriv frågan först.", "Write the question first.";
    qbox_title: "Frågor till uppföljningsmötet", "Questions for the follow-up meeting";
    qbox_intro:
        "Har du en fråga eller en utmaning som dagen väckte (”Vad gör vi när …”)? Skriv den här, så kan samtalsledaren ta upp den på uppföljningsmötet. Frågan skickas utan namn och kan inte ändras efteråt. Skriv inga namn eller uppgifter som pekar ut någon.",
        "Do you have a question or a challenge the day raised (“What do we do when …”)? Write it here and the facilitator can take it up at the follow-up meeting. It is sent without a name and cannot be changed afterwards. Write no names or details that point anyone out.";
    qbox_label: "Din fråga eller utmaning", "Your question or challenge";
    qbox_send: "Skicka frågan", "Send the question";
    qbox_sent: "Skickad. Tack!", "Sent. Thank you!";
    qbox_waiting: "Sparad på den här enheten. Den skickas när nätet fungerar igen.", "Saved on this device. It is sent when the network works again.";
    qbox_mine: "Skickat från den här enheten", "Sent from this device";
    qbox_count_one: "1 fråga har kommit in hittills.", "1 question so far.";
    qbox_count: "{n} frågor har kommit in hittills.", "{n} questions so far.";
    qbox_facilitator_intro:
        "Frågor och utmaningar från grupperna och från dem som läser i efterhand, utan namn. Välj vilka uppföljningsmötet tar upp och i vilken ordning. Inget tas bort: det du lägger åt sidan kan du ta tillbaka.",
        "Questions and challenges from the groups and from those catching up, without names. Choose which ones the follow-up meeting takes up, and in what order. Nothing is removed: what you set aside you can bring back.";
    qbox_agenda: "Dagordning för uppföljningsmötet", "Agenda for the follow-up meeting";
    qbox_agenda_empty: "Inget på dagordningen ännu. Välj bland frågorna nedan.", "Nothing on the agenda yet. Choose among the questions below.";
    qbox_unsorted: "Nya frågor", "New questions";
    qbox_unsorted_empty: "Inga nya frågor.", "No new questions.";
    qbox_aside: "Lagt åt sidan", "Set aside";
    qbox_to_agenda: "Till dagordningen", "Onto the agenda";
    qbox_earlier: "Flytta upp", "Move up";
    qbox_later: "Flytta ned", "Move down";
    qbox_set_aside: "Lägg åt sidan", "Set aside";
    qbox_back: "Ta tillbaka", "Bring back";
    qbox_own_label: "Lägg till en egen punkt", "Add an item of your own";
    qbox_add: "Lägg till", "Add";
}
