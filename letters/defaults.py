"""The default letter templates of an organisation (French).

They are documents, not interface strings: the wording follows the Code judiciaire (art. 1675/7,
1675/9 §§ 2 and 3, 1675/10 § 4) and is kept in French whatever the user's language; an
administrator adapts them in the app (``letters.views.template_edit``). Every placeholder used
here is in ``letters.placeholders.PLACEHOLDERS`` (checked by the tests).
"""

from .models import REGISTERED_BY_DEFAULT, LetterKind

_CASE = (
    "règlement collectif de dettes de {{ requerant }} (ordonnance d'admissibilité du "
    "{{ date_admissibilite }}, {{ tribunal }}, division {{ division }}"
    "{% if role %}, R.G. {{ role }}{% endif %})"
)
_SUBJECT = (
    "Règlement collectif de dettes de {{ requerant }}{% if role %} – R.G. {{ role }}{% endif %}"
)
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

Par ordonnance du {{{{ date_admissibilite }}}}, le {{{{ tribunal }}}}, division \
{{{{ division }}}}, a déclaré admissible la demande en règlement collectif de dettes introduite \
par {{{{ requerant }}}}{{% if role %}} (R.G. {{{{ role }}}}){{% endif %}} et a désigné \
{{{{ mediateur }}}} en qualité de médiateur de dettes.

Conformément à l'article 1675/7 du Code judiciaire, cette décision fait naître une situation de \
concours entre les créanciers ; elle suspend le cours des intérêts et rend indisponible le \
patrimoine de {{{{ requerant }}}}. Toutes les voies d'exécution qui tendent au paiement d'une \
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

Par ordonnance du {{{{ date_admissibilite }}}}, le {{{{ tribunal }}}}, division \
{{{{ division }}}}, a déclaré admissible la demande en règlement collectif de dettes introduite \
par {{{{ requerant }}}}{{% if role %}} (R.G. {{{{ role }}}}){{% endif %}} et a désigné \
{{{{ mediateur }}}} en qualité de médiateur de dettes.

Le délai d'un mois prévu par l'article 1675/9, § 2, du Code judiciaire pour déclarer votre \
créance est expiré, et aucune déclaration de votre part ne m'est parvenue.

Conformément à l'article 1675/9, § 3, du Code judiciaire, je vous informe par la présente lettre \
recommandée avec accusé de réception que vous disposez d'un dernier délai de quinze jours, à \
compter de la réception de cette lettre, pour faire votre déclaration de créance, par lettre \
recommandée avec accusé de réception ou par déclaration faite à mon bureau contre accusé de \
réception daté et signé.

À défaut de déclaration dans ce délai, vous serez réputé renoncer à votre créance. Vous perdrez \
alors le droit d'agir contre {{{{ requerant }}}} ainsi que contre les personnes qui ont constitué \
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
créance{{% if reference_creancier %}} (votre référence : \
{{{{ reference_creancier }}}}){{% endif %}}.

Ce décompte distinguera le principal, les intérêts et les frais, et fera apparaître les \
paiements reçus depuis la date de l'ordonnance d'admissibilité. Pour rappel, le cours des \
intérêts est suspendu depuis le {{{{ date_admissibilite }}}} (article 1675/7 du Code judiciaire).

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

J'ai l'honneur de vous informer que{{% if date_homologation %}}, par décision du \
{{{{ date_homologation }}}},{{% endif %}} le {{{{ tribunal }}}}, division {{{{ division }}}}, a \
homologué le plan de règlement amiable établi dans le règlement collectif de dettes de \
{{{{ requerant }}}}{{% if role %}} (R.G. {{{{ role }}}}){{% endif %}}.

Le plan lie désormais toutes les parties. Les paiements qui vous reviennent seront effectués \
depuis le compte de médiation, selon les montants et l'échéancier du plan\
{{% if reference_creancier %}}, sous votre référence {{{{ reference_creancier }}}}{{% endif %}}. \
Je vous remercie de me confirmer le compte bancaire sur lequel ils doivent être versés et de \
n'adresser aucune demande de paiement directement à {{{{ requerant }}}}.

Je reste votre interlocuteur pour toute question relative à l'exécution du plan.

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
