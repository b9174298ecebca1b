"""What the demo's people teach each other, in French and in English.

Juniors teach ``DIGITAL`` topics (tools, media, culture); seniors teach ``CRAFT`` in
return. Each digital topic carries what a session on it looked like, what the senior took
away, the action agreed and a goal a pair could set; ``{mentor}`` and ``{mentee}`` are the
two people's first names.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Words:
    en: str
    fr: str

    def say(self, french: bool, **names: str) -> str:
        return (self.fr if french else self.en).format(**names)


@dataclass(frozen=True)
class Topic:
    tag: str
    label: Words
    session: Words
    learned: Words  # what the mentee (the senior) took away
    action: Words
    goal: Words


@dataclass(frozen=True)
class Craft:
    tag: str
    label: Words
    learned: Words  # what the mentor (the junior) took away


W = Words

DIGITAL = (
    Topic(
        "generative-ai",
        W("generative AI", "l'IA générative"),
        W(
            "{mentor} showed {mentee} how to draft, then fact-check, a board memo with a "
            "generative AI tool.",
            "{mentor} a montré à {mentee} comment préparer puis vérifier une note de comité "
            "avec un outil d'IA générative.",
        ),
        W(
            "A draft in two minutes is a start, not an answer: I now always ask for sources.",
            "Un brouillon en deux minutes est un point de départ, pas une réponse : je demande "
            "désormais toujours les sources.",
        ),
        W(
            "Prepare next week's steering committee summary with the tool and compare",
            "Préparer la synthèse du prochain comité avec l'outil et comparer",
        ),
        W(
            "Use generative AI to prepare my committee papers",
            "Utiliser l'IA générative pour préparer mes comités",
        ),
    ),
    Topic(
        "prompt-writing",
        W("writing good prompts", "rédiger de bons prompts"),
        W(
            "{mentor} and {mentee} rewrote five real requests from {mentee}'s week, from vague "
            "to precise.",
            "{mentor} et {mentee} ont réécrit cinq vraies demandes de la semaine de {mentee}, "
            "du flou au précis.",
        ),
        W(
            "Giving the tool a role, an audience and an example changes everything.",
            "Donner un rôle, un public et un exemple à l'outil change tout.",
        ),
        W("Keep a file of the prompts that worked", "Tenir un fichier des prompts qui marchent"),
        W(
            "Write prompts that give usable results the first time",
            "Rédiger des prompts utilisables du premier coup",
        ),
    ),
    Topic(
        "social-media",
        W("social media", "les réseaux sociaux"),
        W(
            "{mentor} explained how our clients' younger buyers discover brands on Instagram "
            "and TikTok, with examples from our sector.",
            "{mentor} a expliqué comment les jeunes acheteurs de nos clients découvrent les "
            "marques sur Instagram et TikTok, exemples du secteur à l'appui.",
        ),
        W(
            "The algorithm rewards conversation, not announcements.",
            "L'algorithme récompense la conversation, pas les annonces.",
        ),
        W(
            "Follow five accounts {mentor} recommended and note what works",
            "Suivre cinq comptes conseillés par {mentor} et noter ce qui marche",
        ),
        W(
            "Understand how our audiences use social media",
            "Comprendre l'usage des réseaux sociaux par nos publics",
        ),
    ),
    Topic(
        "linkedin",
        W("a useful LinkedIn presence", "une présence utile sur LinkedIn"),
        W(
            "{mentor} reviewed {mentee}'s LinkedIn profile; they drafted a first post about "
            "the team's project together.",
            "{mentor} a relu le profil LinkedIn de {mentee} ; ils ont rédigé ensemble un "
            "premier post sur le projet de l'équipe.",
        ),
        W(
            "Writing about the team rather than about myself feels natural, and people react.",
            "Parler de l'équipe plutôt que de moi me semble naturel, et les gens réagissent.",
        ),
        W("Publish the post about the team's project", "Publier le post sur le projet d'équipe"),
        W(
            "Post once a month on LinkedIn about our work",
            "Publier une fois par mois sur LinkedIn à propos de notre travail",
        ),
    ),
    Topic(
        "collaboration-tools",
        W("Teams channels and shared workspaces", "les canaux Teams et les espaces partagés"),
        W(
            "{mentor} helped {mentee} replace the weekly status e-mail with a Teams channel "
            "and a shared tracker.",
            "{mentor} a aidé {mentee} à remplacer le mail de suivi hebdomadaire par un canal "
            "Teams et un tableau partagé.",
        ),
        W(
            "Fewer e-mails, and the team answers each other without waiting for me.",
            "Moins de mails, et l'équipe se répond sans m'attendre.",
        ),
        W(
            "Run next Monday's team update from the channel",
            "Animer le point d'équipe de lundi depuis le canal",
        ),
        W(
            "Replace status e-mails with a shared channel",
            "Remplacer les mails de suivi par un canal partagé",
        ),
    ),
    Topic(
        "data-visualisation",
        W("data visualisation", "la visualisation de données"),
        W(
            "{mentor} rebuilt one of {mentee}'s monthly spreadsheets as an interactive "
            "Power BI report.",
            "{mentor} a transformé un des tableaux Excel mensuels de {mentee} en rapport "
            "Power BI interactif.",
        ),
        W(
            "One good chart replaces three slides of tables.",
            "Un bon graphique remplace trois diapositives de tableaux.",
        ),
        W(
            "Build the next monthly review on the new report",
            "Construire la prochaine revue mensuelle sur le nouveau rapport",
        ),
        W(
            "Present my monthly figures as an interactive report",
            "Présenter mes chiffres mensuels dans un rapport interactif",
        ),
    ),
    Topic(
        "no-code",
        W("no-code automation", "l'automatisation sans code"),
        W(
            "{mentor} and {mentee} automated the approval reminders {mentee} sends by hand "
            "every Friday.",
            "{mentor} et {mentee} ont automatisé les relances de validation que {mentee} "
            "envoie à la main chaque vendredi.",
        ),
        W(
            "An hour a week back, with a flow I can change myself.",
            "Une heure par semaine de gagnée, avec un flux que je peux modifier moi-même.",
        ),
        W(
            "List three other repetitive tasks worth automating",
            "Lister trois autres tâches répétitives à automatiser",
        ),
        W(
            "Automate one repetitive task of my team",
            "Automatiser une tâche répétitive de mon équipe",
        ),
    ),
    Topic(
        "cybersecurity",
        W("everyday cybersecurity", "la cybersécurité au quotidien"),
        W(
            "{mentor} went through last quarter's phishing e-mails with {mentee} and set up "
            "a password manager.",
            "{mentor} a passé en revue avec {mentee} les mails d'hameçonnage du trimestre et "
            "installé un gestionnaire de mots de passe.",
        ),
        W(
            "The convincing ones imitate our own suppliers.",
            "Les plus convaincants imitent nos propres fournisseurs.",
        ),
        W(
            "Move the team's shared passwords to the vault",
            "Déplacer les mots de passe partagés de l'équipe dans le coffre-fort",
        ),
        W(
            "Adopt safe digital habits and share them with my team",
            "Adopter de bons réflexes numériques et les partager avec mon équipe",
        ),
    ),
    Topic(
        "accessibility",
        W("digital accessibility", "l'accessibilité numérique"),
        W(
            "{mentor} showed {mentee} our intranet through a screen reader; they listed what "
            "blocks colleagues with a visual impairment.",
            "{mentor} a fait découvrir l'intranet à {mentee} avec un lecteur d'écran ; ils ont "
            "listé ce qui bloque les collègues malvoyants.",
        ),
        W(
            "Accessibility is mostly habits: headings, contrast, alternative text.",
            "L'accessibilité tient surtout à des réflexes : titres, contrastes, textes "
            "alternatifs.",
        ),
        W(
            "Check the next all-hands slides for contrast and alternative text",
            "Vérifier contrastes et textes alternatifs des slides de la prochaine plénière",
        ),
        W("Make my team's documents accessible", "Rendre accessibles les documents de l'équipe"),
    ),
    Topic(
        "gen-z-culture",
        W("how younger colleagues work", "les codes des jeunes générations"),
        W(
            "{mentor} and {mentee} talked about what makes a young hire stay: feedback, "
            "flexibility and meaning.",
            "{mentor} et {mentee} ont parlé de ce qui fait rester une jeune recrue : le "
            "feedback, la flexibilité et le sens.",
        ),
        W(
            "Quick, frequent feedback matters more to them than the annual review.",
            "Un feedback rapide et fréquent compte plus pour eux que l'entretien annuel.",
        ),
        W(
            "Try a fortnightly 15-minute check-in with the two newest team members",
            "Tester un point de 15 minutes tous les quinze jours avec les deux derniers arrivés",
        ),
        W("Onboard and keep young hires better", "Mieux intégrer et fidéliser les jeunes recrues"),
    ),
    Topic(
        "inclusive-language",
        W("inclusive language", "le langage inclusif"),
        W(
            "{mentor} went through a job ad and an internal memo with {mentee}, looking for "
            "words that shut people out.",
            "{mentor} a relu avec {mentee} une offre d'emploi et une note interne, à la "
            "recherche des mots qui excluent.",
        ),
        W(
            "Small changes of wording widen who applies.",
            "De petits changements de formulation élargissent le vivier de candidats.",
        ),
        W(
            "Rewrite the team's next job ad with the checklist",
            "Réécrire la prochaine offre d'emploi de l'équipe avec la grille",
        ),
        W(
            "Write job ads and memos that include everyone",
            "Rédiger des offres et des notes qui n'excluent personne",
        ),
    ),
    Topic(
        "remote-work",
        W("hybrid work rituals", "les rituels du travail hybride"),
        W(
            "{mentor} and {mentee} redesigned {mentee}'s team meeting so that remote "
            "colleagues speak first.",
            "{mentor} et {mentee} ont repensé la réunion d'équipe de {mentee} pour que les "
            "collègues à distance parlent en premier.",
        ),
        W(
            "An agenda shared the day before gives the quieter ones a voice.",
            "Un ordre du jour partagé la veille donne la parole aux plus discrets.",
        ),
        W(
            "Share the agenda the day before each team meeting",
            "Partager l'ordre du jour la veille de chaque réunion d'équipe",
        ),
        W(
            "Run meetings that work for remote colleagues",
            "Animer des réunions qui fonctionnent pour les collègues à distance",
        ),
    ),
    Topic(
        "video-content",
        W("short videos", "les vidéos courtes"),
        W(
            "{mentor} filmed and edited a 60-second video with {mentee} on a phone, "
            "announcing the new site's opening.",
            "{mentor} a tourné et monté avec {mentee} une vidéo de 60 secondes au téléphone "
            "pour annoncer l'ouverture du nouveau site.",
        ),
        W(
            "Authentic beats polished; subtitles are not optional.",
            "L'authentique l'emporte sur le léché ; les sous-titres ne sont pas optionnels.",
        ),
        W(
            "Record the next internal announcement as a short video",
            "Enregistrer la prochaine annonce interne en vidéo courte",
        ),
        W("Communicate with short videos", "Communiquer en vidéos courtes"),
    ),
    Topic(
        "digital-sobriety",
        W("digital sobriety", "la sobriété numérique"),
        W(
            "{mentor} measured with {mentee} the footprint of the team's shared drive and "
            "video habits.",
            "{mentor} a mesuré avec {mentee} l'empreinte du drive partagé et des habitudes "
            "vidéo de l'équipe.",
        ),
        W(
            "Our archive of duplicates weighs more than our real work.",
            "Nos archives de doublons pèsent plus lourd que notre vrai travail.",
        ),
        W(
            "Clean up the shared drive with the team",
            "Faire le ménage dans le drive partagé avec l'équipe",
        ),
        W("Cut my team's digital footprint", "Réduire l'empreinte numérique de mon équipe"),
    ),
)

CRAFT = (
    Craft(
        "leadership",
        W("leading a team", "la conduite d'une équipe"),
        W(
            "Delegating is deciding what you will not check.",
            "Déléguer, c'est décider de ce qu'on ne vérifiera pas.",
        ),
    ),
    Craft(
        "negotiation",
        W("negotiation", "la négociation"),
        W(
            "Let the other side name a figure first.",
            "Laisser l'autre partie annoncer un chiffre en premier.",
        ),
    ),
    Craft(
        "career-navigation",
        W("steering a career", "la conduite de carrière"),
        W("Ask for the project, not the title.", "Demander le projet, pas le titre."),
    ),
    Craft(
        "stakeholder-management",
        W("bringing stakeholders along", "l'art d'embarquer les parties prenantes"),
        W(
            "See people one by one before the meeting that decides.",
            "Voir les gens un par un avant la réunion qui décide.",
        ),
    ),
    Craft(
        "public-speaking",
        W("speaking in public", "la prise de parole en public"),
        W(
            "Three messages, no more, and start with the conclusion.",
            "Trois messages, pas plus, et commencer par la conclusion.",
        ),
    ),
    Craft(
        "business-strategy",
        W("how the company decides", "la façon dont l'entreprise décide"),
        W(
            "Budgets are settled in September: ideas must be ready before.",
            "Les budgets se décident en septembre : les idées doivent être prêtes avant.",
        ),
    ),
    Craft(
        "finance-basics",
        W("reading a P&L", "la lecture d'un compte de résultat"),
        W(
            "Margin matters more than revenue for my projects.",
            "La marge compte plus que le chiffre d'affaires pour mes projets.",
        ),
    ),
    Craft(
        "client-relations",
        W("client relationships", "la relation client"),
        W("Call before the problem, not after.", "Appeler avant le problème, pas après."),
    ),
)

TOPICS = {t.tag: t for t in DIGITAL}
CRAFTS = {c.tag: c for c in CRAFT}

MENTOR_STATEMENTS = (
    W(
        "I use these tools every day and I'd like to help the people who run the company "
        "see what they can do.",
        "J'utilise ces outils tous les jours et j'aimerais aider ceux qui dirigent "
        "l'entreprise à voir ce qu'ils permettent.",
    ),
    W(
        "I want to understand how decisions are made here, and I have things to share.",
        "Je veux comprendre comment se prennent les décisions ici, et j'ai des choses à partager.",
    ),
    W(
        "Explaining what I know is the best way to learn it properly.",
        "Expliquer ce que je sais est la meilleure façon de vraiment l'apprendre.",
    ),
)
MENTEE_STATEMENTS = (
    W(
        "My teams are younger than me and work differently; I want to catch up, not pretend.",
        "Mes équipes sont plus jeunes que moi et travaillent autrement ; je veux rattraper "
        "mon retard, pas faire semblant.",
    ),
    W(
        "I keep hearing about these tools in meetings. I'd like someone to show me, honestly.",
        "J'entends parler de ces outils en réunion. J'aimerais qu'on me montre, franchement.",
    ),
    W(
        "I'm curious and I have an hour every two weeks.",
        "Je suis curieux et j'ai une heure toutes les deux semaines.",
    ),
)
