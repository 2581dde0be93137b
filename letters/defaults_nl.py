"""The default letter templates of an organisation in Dutch (issue 16, Dutch complete).

The same letters as ``letters.defaults`` (same kinds, same fields), for the cases that proceed in
Dutch (``core.divisions.procedure_language``): the wording of a Flemish schuldbemiddelaar, with
the articles of the Gerechtelijk Wetboek (Ger.W.) the French templates cite from the Code
judiciaire. [tribunal] and [division] print the court in the language of the procedure
("arbeidsrechtbank Antwerpen", "Mechelen").
"""

from .models import LetterKind

_CASE = (
    "collectieve schuldenregeling van [requerant] (beschikking van toelaatbaarheid van "
    "[date_admissibilite], [tribunal], afdeling [division]"
    "<<, A.R. [role]>>)"
)
_SUBJECT = "Collectieve schuldenregeling van [requerant]<< – A.R. [role]>>"
_CLOSING = "Met vriendelijke groeten."
_DECLARATION_CONTENT = """\
– de aard en de oorzaak van de schuldvordering, met de stukken die ze staven (overeenkomst, \
vonnis, facturen, afrekening);
– het bedrag ervan, met onderscheid tussen hoofdsom, interesten en kosten, afgesloten op de \
datum van de beschikking van toelaatbaarheid;
– de redenen van voorrang (voorrecht, hypotheek, pand, eigendomsvoorbehoud) en de persoonlijke \
zekerheden (borgtocht) die haar waarborgen;
– de procedures waartoe zij aanleiding heeft gegeven (vonnis, beslag, loonoverdracht);
– uw referentie en de bankrekening waarop de betalingen moeten gebeuren."""

DUTCH_TEMPLATES: list[dict] = [
    {
        "kind": LetterKind.ADMISSIBILITY_NOTIFICATION,
        "name": "Kennisgeving van de toelaatbaarheid en uitnodiging tot aangifte",
        "subject": _SUBJECT + " – uitnodiging tot aangifte van uw schuldvordering",
        "body": f"""\
Geachte mevrouw, geachte heer,

Bij beschikking van [date_admissibilite] heeft de [tribunal], afdeling [division], het \
verzoek tot collectieve schuldenregeling van [requerant]<< (A.R. [role])>> toelaatbaar \
verklaard en [mediateur] als schuldbemiddelaar aangesteld.

Overeenkomstig artikel 1675/7 Ger.W. doet deze beschikking een toestand van samenloop tussen \
de schuldeisers ontstaan; zij schorst de loop van de interesten en maakt het vermogen van \
[requerant] onbeschikbaar. Alle middelen van tenuitvoerlegging die strekken tot betaling van \
een geldsom worden geschorst; de reeds gelegde beslagen behouden hun bewarend karakter. Ik \
verzoek u dan ook elke invorderingsmaatregel te schorsen en voortaan alle briefwisseling over \
dit dossier aan mij te richten.

Overeenkomstig artikel 1675/9, § 2, Ger.W. moet uw aangifte van schuldvordering mij bereiken \
binnen een maand na de verzending, door de griffie, van de kennisgeving van de beschikking van \
toelaatbaarheid: bij aangetekende brief met ontvangstbewijs, bij aangifte op mijn kantoor tegen \
gedateerd en ondertekend ontvangstbewijs, of door neerlegging in het centraal register van de \
collectieve schuldenregelingen (platform JustRestart).

Uw aangifte vermeldt:
{_DECLARATION_CONTENT}

Bij gebrek aan aangifte binnen deze termijn krijgt u bij aangetekende brief een laatste termijn \
van vijftien dagen; na afloop van die laatste termijn wordt u geacht afstand te doen van uw \
schuldvordering (artikel 1675/9, § 3, Ger.W.).

Voor alle nuttige inlichtingen blijf ik tot uw beschikking.

{_CLOSING}""",
    },
    {
        "kind": LetterKind.REMINDER,
        "name": "Aangetekende herinnering – laatste termijn van vijftien dagen",
        "subject": _SUBJECT + " – laatste termijn voor de aangifte van uw schuldvordering",
        "body": f"""\
Geachte mevrouw, geachte heer,

Bij beschikking van [date_admissibilite] heeft de [tribunal], afdeling [division], het \
verzoek tot collectieve schuldenregeling van [requerant]<< (A.R. [role])>> toelaatbaar \
verklaard en [mediateur] als schuldbemiddelaar aangesteld.

De termijn van een maand die artikel 1675/9, § 2, Ger.W. voorschrijft voor de aangifte van uw \
schuldvordering is verstreken, en ik heb van u geen aangifte ontvangen.

Overeenkomstig artikel 1675/9, § 3, Ger.W. deel ik u bij deze aangetekende brief met \
ontvangstbewijs mee dat u over een laatste termijn van vijftien dagen beschikt, te rekenen van \
de ontvangst van deze brief, om uw schuldvordering aan te geven, bij aangetekende brief met \
ontvangstbewijs of bij aangifte op mijn kantoor tegen gedateerd en ondertekend ontvangstbewijs.

Bij gebrek aan aangifte binnen deze termijn wordt u geacht afstand te doen van uw \
schuldvordering. U verliest dan het recht om op te treden tegen [requerant] en tegen de \
personen die een persoonlijke zekerheid hebben gesteld tot waarborg van die schuldvordering; \
dat recht herleeft slechts bij verwerping of herroeping van de aanzuiveringsregeling.

Uw aangifte vermeldt de aard en de oorzaak van de schuldvordering met de stukken die ze staven, \
het bedrag ervan in hoofdsom, interesten en kosten, de redenen van voorrang en de zekerheden die \
haar waarborgen, en de procedures waartoe zij aanleiding heeft gegeven.

{_CLOSING}""",
    },
    {
        "kind": LetterKind.STATEMENT_REQUEST,
        "name": "Vraag om een bijgewerkte afrekening",
        "subject": _SUBJECT + " – vraag om afrekening",
        "body": f"""\
Geachte mevrouw, geachte heer,

In het kader van de {_CASE} verzoek ik u mij een bijgewerkte afrekening van uw \
schuldvordering te bezorgen<< (uw referentie: [reference_creancier])>>.

Deze afrekening maakt onderscheid tussen hoofdsom, interesten en kosten en vermeldt de \
betalingen die u sinds de datum van de beschikking van toelaatbaarheid hebt ontvangen. Ter \
herinnering: de loop van de interesten is geschorst sinds [date_admissibilite] (artikel 1675/7 \
Ger.W.).

Graag ontvang ik deze afrekening binnen vijftien dagen.

{_CLOSING}""",
    },
    {
        "kind": LetterKind.PLAN_PROPOSAL,
        "name": "Ontwerp van minnelijke aanzuiveringsregeling",
        "subject": _SUBJECT + " – ontwerp van minnelijke aanzuiveringsregeling",
        "body": f"""\
Geachte mevrouw, geachte heer,

Als schuldbemiddelaar in de {_CASE} bezorg ik u in bijlage het ontwerp van minnelijke \
aanzuiveringsregeling, opgesteld overeenkomstig artikel 1675/10 Ger.W.

Dit ontwerp vermeldt uw schuldvordering zoals zij werd aangegeven en nagezien, de voorgestelde \
betalingen en hun afbetalingsplan en, in voorkomend geval, de beoogde kwijtschelding van \
schulden.

Overeenkomstig artikel 1675/10, § 4, Ger.W. moet elk bezwaar worden ingediend bij aangetekende \
brief of bij verklaring voor de schuldbemiddelaar, binnen twee maanden na de verzending van het \
ontwerp. Wordt binnen die termijn en in die vorm geen bezwaar ingediend, dan wordt u geacht met \
de regeling in te stemmen.

Ik ben graag bereid het ontwerp met u te bespreken.

{_CLOSING}""",
    },
    {
        "kind": LetterKind.HOMOLOGATION_NOTIFICATION,
        "name": "Kennisgeving van de homologatie van de aanzuiveringsregeling",
        "subject": _SUBJECT + " – homologatie van de minnelijke aanzuiveringsregeling",
        "body": f"""\
Geachte mevrouw, geachte heer,

Ik deel u mee dat<<, bij beslissing van [date_homologation],>> de [tribunal], afdeling \
[division], de minnelijke aanzuiveringsregeling in de collectieve schuldenregeling van \
[requerant]<< (A.R. [role])>> heeft gehomologeerd.

De aanzuiveringsregeling bindt voortaan alle partijen. De betalingen die u toekomen, gebeuren \
vanaf de rubriekrekening, volgens de bedragen en het afbetalingsplan van de regeling\
<<, onder uw referentie [reference_creancier]>>. Gelieve mij de bankrekening te bevestigen \
waarop zij moeten worden gestort en geen enkel betalingsverzoek rechtstreeks aan [requerant] \
te richten.

Voor elke vraag over de uitvoering van de aanzuiveringsregeling blijf ik uw aanspreekpunt.

{_CLOSING}""",
    },
    # Letters to third parties (issue 17) -------------------------------------------------
    {
        "kind": LetterKind.INCOME_NOTICE,
        "name": "Bericht van storting van de inkomsten op de rubriekrekening",
        "subject": _SUBJECT + " – storting van de inkomsten op de rubriekrekening",
        "body": f"""\
Geachte mevrouw, geachte heer,

Als schuldbemiddelaar aangesteld in de {_CASE} deel ik u mee dat, overeenkomstig artikel \
1675/9, § 1, 4°, Ger.W., de bedragen die u aan [requerant] verschuldigd bent<< (uw \
referentie: [reference_creancier])>> voortaan in mijn handen moeten worden gestort, op de \
daartoe geopende rubriekrekening<<: [compte_mediation]>>, met vermelding van de naam van \
[requerant].

Een betaling aan [requerant] in strijd met dit bericht is niet bevrijdend ten aanzien van de \
boedel. Gelieve mij de datum van de eerste storting te bevestigen en mij elke wijziging van het \
verschuldigde bedrag mee te delen.

{_CLOSING}""",
    },
    {
        "kind": LetterKind.BANK_NOTICE,
        "name": "Bericht aan de bank van de verzoeker",
        "subject": _SUBJECT + " – kennisgeving aan de bank",
        "body": f"""\
Geachte mevrouw, geachte heer,

Als schuldbemiddelaar aangesteld in de {_CASE} breng ik u op de hoogte van deze procedure, \
die het vermogen van [requerant] onbeschikbaar maakt en een toestand van samenloop tussen de \
schuldeisers doet ontstaan (artikel 1675/7 Ger.W.).

[requerant]<< (uw referentie: [reference_creancier])>> mag, behoudens toestemming van de \
rechter, geen daden stellen die het normale vermogensbeheer te buiten gaan, noch zijn of haar \
onvermogen vergroten: gelieve geen debetstand of krediet meer toe te staan, geen \
schuldvergelijking toe te passen tussen de rekeningen en een schuldvordering die u zou hebben, \
en mij de lijst en het saldo van de rekeningen op de datum van de beschikking van \
toelaatbaarheid mee te delen.\
<< De inkomsten worden voortaan gestort op de rubriekrekening [compte_mediation].>>

{_CLOSING}""",
    },
    {
        "kind": LetterKind.ENFORCEMENT_SUSPENSION,
        "name": "Bericht van schorsing van de middelen van tenuitvoerlegging",
        "subject": _SUBJECT + " – schorsing van de middelen van tenuitvoerlegging",
        "body": f"""\
Geachte meester,

Als schuldbemiddelaar aangesteld in de {_CASE} deel ik u mee dat, overeenkomstig artikel \
1675/7, § 1, Ger.W., de beschikking van toelaatbaarheid de loop van de interesten en alle \
middelen van tenuitvoerlegging die strekken tot betaling van een geldsom schorst<<, met name \
die in uw dossier [reference_creancier]>>. De reeds gelegde beslagen behouden hun bewarend \
karakter.

Gelieve dan ook elke maatregel van tenuitvoerlegging tegen [requerant] onmiddellijk te \
schorsen, de lopende loonbeslagen op te heffen ten gunste van de rubriekrekening en mij de \
afrekening van uw dossier te bezorgen.

{_CLOSING}""",
    },
    {
        "kind": LetterKind.ANNUAL_REPORT_COPY,
        "name": "Afschrift van het jaarverslag aan de verzoeker",
        "subject": _SUBJECT + " – afschrift van het jaarverslag",
        "body": f"""\
Geachte mevrouw, geachte heer,

In bijlage vindt u het afschrift van het verslag dat ik ter griffie van de [tribunal], \
afdeling [division], heb neergelegd over het verloop van uw collectieve schuldenregeling.

Dit verslag geeft een overzicht van de uitvoering van de aanzuiveringsregeling, de betalingen \
vanaf de rubriekrekening en de stand van uw schulden. Neem gerust contact met mij op als u het \
wilt bespreken.

{_CLOSING}""",
    },
    # The letters that end the procedure (issue 17) -----------------------------------------
    {
        "kind": LetterKind.CLOSURE_CREDITORS,
        "name": "Afsluiting – bericht aan de schuldeisers",
        "subject": _SUBJECT + " – einde van de procedure",
        "body": f"""\
Geachte mevrouw, geachte heer,

In de {_CASE} is de aanzuiveringsregeling ten einde gelopen en uitgevoerd. Ik deel u mee dat \
de procedure wordt afgesloten<< (uw referentie: [reference_creancier])>>.

De dividenden waarin de aanzuiveringsregeling voorziet, werden u vanaf de rubriekrekening \
betaald. De kwijtschelding van schulden waarin de regeling voorziet, is verworven, onder \
voorbehoud van terugkeer tot beter fortuin wanneer de regeling dat bepaalt. Er gebeuren geen \
betalingen meer door mijn tussenkomst.

{_CLOSING}""",
    },
    {
        "kind": LetterKind.CLOSURE_INCOME,
        "name": "Afsluiting – werkgever en uitbetalingsinstellingen",
        "subject": _SUBJECT + " – einde van de stortingen op de rubriekrekening",
        "body": f"""\
Geachte mevrouw, geachte heer,

Ik deel u mee dat de {_CASE} is beëindigd.

Vanaf de ontvangst van deze brief moeten de bedragen die u aan [requerant] verschuldigd bent\
<< (uw referentie: [reference_creancier])>> niet langer op de rubriekrekening<< \
[compte_mediation]>> worden gestort, maar rechtstreeks aan [requerant], op de rekening die \
hij of zij u zal meedelen.

Ik dank u voor uw medewerking tijdens de procedure.

{_CLOSING}""",
    },
    {
        "kind": LetterKind.CLOSURE_BANK,
        "name": "Afsluiting – opheffing van de rubriekrekening",
        "subject": _SUBJECT + " – afsluiting van de rubriekrekening",
        "body": f"""\
Geachte mevrouw, geachte heer,

De procedure van collectieve schuldenregeling van [requerant]<< (A.R. [role])>> is \
beëindigd. Gelieve de rubriekrekening<< [compte_mediation]>> die op mijn naam als \
schuldbemiddelaar werd geopend, af te sluiten na uitvoering van de laatste betalingsopdrachten, \
en mij het laatste rekeninguittreksel te bezorgen.

Het eventuele saldo werd aan [requerant] teruggegeven. Elke storting die na de afsluiting nog \
op deze rekening toekomt, moet aan de opdrachtgever worden teruggestort.

{_CLOSING}""",
    },
    {
        "kind": LetterKind.OTHER,
        "name": "Vrije brief",
        "subject": _SUBJECT,
        "body": f"""\
Geachte mevrouw, geachte heer,

In het kader van de {_CASE} …

{_CLOSING}""",
    },
]
