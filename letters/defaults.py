"""The default letter templates of an organisation (French).

They are documents, not interface strings: the wording follows the Code judiciaire (art. 1675/7,
1675/9 §§ 2 and 3, 1675/10 § 4) and is kept in French whatever the user's language (their Dutch
versions, for the cases that proceed in Dutch: ``letters.defaults_nl``); an
administrator adapts them in the app (``letters.views.template_edit``). They are written in the
text with fields of ``letters.placeholders`` (``[requerant]``, optional passages ``<< … >>``; no
template code, issue 16): every field used is in ``letters.placeholders.FIELDS`` (checked by the
tests), and each text is what ``letters.legacy.convert`` makes of its former wording, so that an
organisation's unedited template converts to exactly the new default (migration 0007).
"""

from .defaults_nl import DUTCH_TEMPLATES
from .models import REGISTERED_BY_DEFAULT, LetterKind

_CASE = (
    "règlement collectif de dettes de [requerant] (ordonnance d'admissibilité du "
    "[date_admissibilite], [tribunal], division [division]"
    "<<, R.G. [role]>>)"
)
_SUBJECT = "Règlement collectif de dettes de [requerant]<< – R.G. [role]>>"
_CLOSING = "Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées."
_DECLARATION_CONTENT = """\
– la nature et la cause de la créance, avec les pièces qui la justifient (contrat, jugement, \
factures, décompte) ;
– son montant, distinguant le principal, les intérêts et les frais, arrêté à la date de \
l'ordonnance d'admissibilité ;
– les causes de préférence (privilège, hypothèque, gage, réserve de propriété) et les sûretés \
personnelles (cautionnement) qui la garantissent ;
– les procédures auxquelles elle a donné lieu (jugement, saisie, cession de rémunération) ;
– votre référence et le compte bancaire sur lequel les paiements devront être effectués."""

DEFAULT_TEMPLATES: list[dict] = [
    {
        "kind": LetterKind.ADMISSIBILITY_NOTIFICATION,
        "name": "Notification de l'admissibilité et invitation à déclarer",
        "subject": _SUBJECT + " – invitation à déclarer votre créance",
        "body": f"""\
Madame, Monsieur,

Par ordonnance du [date_admissibilite], le [tribunal], division \
[division], a déclaré admissible la demande en règlement collectif de dettes introduite \
par [requerant]<< (R.G. [role])>> et a désigné \
[mediateur] en qualité de médiateur de dettes.

Conformément à l'article 1675/7 du Code judiciaire, cette décision fait naître une situation de \
concours entre les créanciers ; elle suspend le cours des intérêts et rend indisponible le \
patrimoine de [requerant]. Toutes les voies d'exécution qui tendent au paiement d'une \
somme d'argent sont suspendues, les saisies déjà pratiquées conservant leur caractère \
conservatoire. Je vous remercie dès lors de suspendre toute mesure de recouvrement et de \
m'adresser désormais toute correspondance relative à ce dossier.

Conformément à l'article 1675/9, § 2, du Code judiciaire, votre déclaration de créance doit me \
parvenir dans le mois de l'envoi, par le greffe, de la notification de l'ordonnance \
d'admissibilité : par lettre recommandée avec accusé de réception, par déclaration faite à mon \
bureau contre accusé de réception daté et signé, ou par son dépôt dans le registre central des \
règlements collectifs de dettes (plateforme JustRestart).

Votre déclaration mentionnera :
{_DECLARATION_CONTENT}

À défaut de déclaration dans ce délai, une lettre recommandée vous accordera un dernier délai de \
quinze jours ; passé ce dernier délai, vous seriez réputé renoncer à votre créance (article \
1675/9, § 3, du Code judiciaire).

Je reste à votre disposition pour tout renseignement utile.

{_CLOSING}""",
    },
    {
        "kind": LetterKind.REMINDER,
        "name": "Rappel recommandé – dernier délai de quinze jours",
        "subject": _SUBJECT + " – dernier délai pour déclarer votre créance",
        "body": f"""\
Madame, Monsieur,

Par ordonnance du [date_admissibilite], le [tribunal], division \
[division], a déclaré admissible la demande en règlement collectif de dettes introduite \
par [requerant]<< (R.G. [role])>> et a désigné \
[mediateur] en qualité de médiateur de dettes.

Le délai d'un mois prévu par l'article 1675/9, § 2, du Code judiciaire pour déclarer votre \
créance est expiré, et aucune déclaration de votre part ne m'est parvenue.

Conformément à l'article 1675/9, § 3, du Code judiciaire, je vous informe par la présente lettre \
recommandée avec accusé de réception que vous disposez d'un dernier délai de quinze jours, à \
compter de la réception de cette lettre, pour faire votre déclaration de créance, par lettre \
recommandée avec accusé de réception ou par déclaration faite à mon bureau contre accusé de \
réception daté et signé.

À défaut de déclaration dans ce délai, vous serez réputé renoncer à votre créance. Vous perdrez \
alors le droit d'agir contre [requerant] ainsi que contre les personnes qui ont constitué \
une sûreté personnelle en garantie de cette créance ; vous ne le récupéreriez qu'en cas de rejet \
ou de révocation du plan de règlement.

Votre déclaration mentionnera la nature et la cause de la créance avec les pièces qui la \
justifient, son montant en principal, intérêts et frais, les causes de préférence et les sûretés \
qui la garantissent ainsi que les procédures auxquelles elle a donné lieu.

{_CLOSING}""",
    },
    {
        "kind": LetterKind.STATEMENT_REQUEST,
        "name": "Demande de décompte actualisé",
        "subject": _SUBJECT + " – demande de décompte",
        "body": f"""\
Madame, Monsieur,

Dans le cadre du {_CASE}, je vous saurais gré de me transmettre un décompte actualisé de votre \
créance<< (votre référence : \
[reference_creancier])>>.

Ce décompte distinguera le principal, les intérêts et les frais, et fera apparaître les \
paiements reçus depuis la date de l'ordonnance d'admissibilité. Pour rappel, le cours des \
intérêts est suspendu depuis le [date_admissibilite] (article 1675/7 du Code judiciaire).

Je vous remercie de me faire parvenir ce décompte dans les quinze jours.

{_CLOSING}""",
    },
    {
        "kind": LetterKind.PLAN_PROPOSAL,
        "name": "Projet de plan de règlement amiable",
        "subject": _SUBJECT + " – projet de plan de règlement amiable",
        "body": f"""\
Madame, Monsieur,

En ma qualité de médiateur de dettes dans le {_CASE}, j'ai l'honneur de vous adresser, en \
annexe, le projet de plan de règlement amiable établi conformément à l'article 1675/10 du Code \
judiciaire.

Ce projet reprend votre créance telle qu'elle a été déclarée et vérifiée, les paiements \
proposés et leur échéancier ainsi que, le cas échéant, les remises de dettes envisagées.

Conformément à l'article 1675/10, § 4, du Code judiciaire, tout contredit doit être formé par \
lettre recommandée ou par déclaration devant le médiateur de dettes, dans les deux mois de \
l'envoi du projet. À défaut de contredit formé dans les formes et délai prévus, vous serez \
présumé consentir au plan.

Je reste à votre disposition pour en discuter.

{_CLOSING}""",
    },
    {
        "kind": LetterKind.HOMOLOGATION_NOTIFICATION,
        "name": "Notification de l'homologation du plan",
        "subject": _SUBJECT + " – homologation du plan de règlement amiable",
        "body": f"""\
Madame, Monsieur,

J'ai l'honneur de vous informer que<<, par décision du \
[date_homologation],>> le [tribunal], division [division], a \
homologué le plan de règlement amiable établi dans le règlement collectif de dettes de \
[requerant]<< (R.G. [role])>>.

Le plan lie désormais toutes les parties. Les paiements qui vous reviennent seront effectués \
depuis le compte de médiation, selon les montants et l'échéancier du plan\
<<, sous votre référence [reference_creancier]>>. \
Je vous remercie de me confirmer le compte bancaire sur lequel ils doivent être versés et de \
n'adresser aucune demande de paiement directement à [requerant].

Je reste votre interlocuteur pour toute question relative à l'exécution du plan.

{_CLOSING}""",
    },
    # Letters to third parties (issue 17) -------------------------------------------------
    {
        "kind": LetterKind.INCOME_NOTICE,
        "name": "Avis de versement des revenus sur le compte de médiation",
        "subject": _SUBJECT + " – versement des revenus sur le compte de médiation",
        "body": f"""\
Madame, Monsieur,

En ma qualité de médiateur de dettes désigné dans le {_CASE}, je vous informe que, \
conformément à l'article 1675/9, § 1er, 4°, du Code judiciaire, les sommes que vous devez à \
[requerant]<< (votre référence : \
[reference_creancier])>> doivent désormais être versées entre mes mains, sur \
le compte de médiation ouvert à cet effet<< : \
[compte_mediation]>>, avec la mention du nom de [requerant].

Tout paiement fait à [requerant] en méconnaissance de cet avis ne serait pas libératoire \
à l'égard de la masse. Je vous remercie de me confirmer la date du premier versement et de \
m'informer de toute modification du montant des sommes dues.

{_CLOSING}""",
    },
    {
        "kind": LetterKind.BANK_NOTICE,
        "name": "Avis à la banque du requérant",
        "subject": _SUBJECT + " – information de la banque",
        "body": f"""\
Madame, Monsieur,

En ma qualité de médiateur de dettes désigné dans le {_CASE}, je vous informe de cette \
procédure, qui rend indisponible le patrimoine de [requerant] et fait naître une \
situation de concours entre ses créanciers (article 1675/7 du Code judiciaire).

[requerant]<< (votre référence : \
[reference_creancier])>> ne peut, sauf autorisation du juge, accomplir aucun \
acte étranger à la gestion normale de son patrimoine ni aggraver son insolvabilité : je vous \
remercie de ne plus consentir de découvert ni de crédit, de ne procéder à aucune compensation \
entre ses comptes et une créance que vous détiendriez, et de me communiquer la liste et le \
solde de ses comptes à la date de l'ordonnance d'admissibilité.\
<< Les revenus sont désormais versés sur le compte de médiation \
[compte_mediation].>>

{_CLOSING}""",
    },
    {
        "kind": LetterKind.ENFORCEMENT_SUSPENSION,
        "name": "Avis de suspension des voies d'exécution",
        "subject": _SUBJECT + " – suspension des voies d'exécution",
        "body": f"""\
Maître,

En ma qualité de médiateur de dettes désigné dans le {_CASE}, je vous informe que, \
conformément à l'article 1675/7, § 1er, du Code judiciaire, la décision d'admissibilité \
suspend le cours des intérêts et toutes les voies d'exécution qui tendent au paiement d'une \
somme d'argent<<, notamment celles menées dans votre dossier \
[reference_creancier]>>. Les saisies déjà pratiquées conservent leur \
caractère conservatoire.

Je vous remercie dès lors de suspendre immédiatement toute mesure d'exécution à l'encontre de \
[requerant], de lever les saisies sur rémunération en cours au profit du compte de \
médiation et de me faire parvenir le décompte de votre dossier.

{_CLOSING}""",
    },
    {
        "kind": LetterKind.ANNUAL_REPORT_COPY,
        "name": "Copie du rapport annuel au requérant",
        "subject": _SUBJECT + " – copie du rapport annuel",
        "body": f"""\
Madame, Monsieur,

Vous trouverez en annexe la copie du rapport que j'ai déposé au greffe du [tribunal], \
division [division], sur le déroulement de votre règlement collectif de dettes.

Ce rapport fait le point sur l'exécution du plan, les paiements faits depuis le compte de \
médiation et l'état de vos dettes. N'hésitez pas à me contacter si vous souhaitez en parler.

{_CLOSING}""",
    },
    # The letters that end the procedure (issue 17) -----------------------------------------
    {
        "kind": LetterKind.CLOSURE_CREDITORS,
        "name": "Clôture – information des créanciers",
        "subject": _SUBJECT + " – fin de la procédure",
        "body": f"""\
Madame, Monsieur,

Dans le {_CASE}, le plan de règlement est arrivé à son terme et a été exécuté. J'ai \
l'honneur de vous informer de la clôture de la procédure<< \
(votre référence : [reference_creancier])>>.

Les dividendes prévus par le plan vous ont été versés depuis le compte de médiation. Les \
remises de dettes prévues par le plan sont acquises, sous réserve de retour à meilleure \
fortune lorsque le plan le prévoit. Aucun paiement ne sera plus effectué par mon \
intermédiaire.

{_CLOSING}""",
    },
    {
        "kind": LetterKind.CLOSURE_INCOME,
        "name": "Clôture – employeur et organismes payeurs",
        "subject": _SUBJECT + " – fin des versements sur le compte de médiation",
        "body": f"""\
Madame, Monsieur,

Je vous informe que le {_CASE} a pris fin.

À compter de la réception de la présente, les sommes que vous devez à [requerant]\
<< (votre référence : [reference_creancier])>> \
ne doivent plus être versées sur le compte de médiation<< \
[compte_mediation]>>, mais directement à [requerant], sur le compte \
qu'il ou elle vous indiquera.

Je vous remercie de votre collaboration pendant la durée de la procédure.

{_CLOSING}""",
    },
    {
        "kind": LetterKind.CLOSURE_BANK,
        "name": "Clôture – fermeture du compte de médiation",
        "subject": _SUBJECT + " – clôture du compte de médiation",
        "body": f"""\
Madame, Monsieur,

La procédure en règlement collectif de dettes de [requerant]\
<< (R.G. [role])>> a pris fin. Je vous prie de bien vouloir \
clôturer le compte de médiation<< [compte_mediation]\
>> ouvert à mon nom en qualité de médiateur de dettes, après l'exécution des \
derniers ordres de paiement, et de m'adresser le dernier extrait de compte.

Le solde éventuel a été restitué à [requerant]. Tout versement qui parviendrait encore \
sur ce compte après sa clôture devra être retourné à son donneur d'ordre.

{_CLOSING}""",
    },
    {
        "kind": LetterKind.OTHER,
        "name": "Courrier libre",
        "subject": _SUBJECT,
        "body": f"""\
Madame, Monsieur,

Dans le cadre du {_CASE}, …

{_CLOSING}""",
    },
]

for _template in DEFAULT_TEMPLATES:
    _template["registered"] = _template["kind"] in REGISTERED_BY_DEFAULT


def default_templates(template_model, organisation_id: int | None = None) -> list:
    """The default templates as unsaved ``template_model`` rows (``LetterTemplate``, or its
    historical model in a data migration) of the organisation ``organisation_id``."""
    return [
        template_model(organisation_id=organisation_id, **values) for values in DEFAULT_TEMPLATES
    ]


def all_default_templates(template_model, organisation_id: int | None = None) -> list:
    """Both sets of default templates (French and Dutch, ``letters.defaults_nl``), with their
    language: what a new organisation gets. ``default_templates`` stays the French set that the
    data migrations 0002 and 0005 gave (their historical model has no ``language``)."""
    french = [
        template_model(organisation_id=organisation_id, language="fr", **values)
        for values in DEFAULT_TEMPLATES
    ]
    return french + dutch_templates(template_model, organisation_id)


def dutch_templates(template_model, organisation_id: int | None = None) -> list:
    """The Dutch default templates as unsaved ``template_model`` rows (migration 0009 gives them
    to the organisations that existed before)."""
    return [
        template_model(
            organisation_id=organisation_id,
            language="nl",
            registered=values["kind"] in REGISTERED_BY_DEFAULT,
            **values,
        )
        for values in DUTCH_TEMPLATES
    ]
