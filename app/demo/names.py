"""Names of the demo's people: French for the French-speaking sites, English for London."""

FRENCH_GIVEN = (  # noqa: SIM905
    "Camille Louis Emma Hugo Chloé Lucas Léa Nathan Manon Jules Inès Mathis Sarah Paul "
    "Zoé Arthur Anaïs Théo Juliette Baptiste Clémence Maxime Élodie Antoine Margaux "
    "Julien Pauline Nicolas Océane Romain Amira Yanis Fatou Karim Aurélie Mehdi Sophie "
    "Thomas Claire Benoît Isabelle Laurent Nathalie Philippe Valérie Olivier Sandrine "
    "Christophe Catherine Frédéric Gabrielle Félix Maëlle Samuel Justine Émile Noémie "
    "Rayan Lina Adrien"
).split()
FRENCH_FAMILY = (  # noqa: SIM905
    "Martin Bernard Dubois Durand Lefebvre Moreau Simon Michel Garcia Roux Fournier "
    "Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Mercier Blanc Guérin Boyer "
    "Chevalier Gauthier Perrin Diallo Benali Nguyen Haddad Tremblay Gagnon Côté Bouchard "
    "Pelletier Morel Lemaire Carpentier Barbier Traoré Leroy"
).split()
ENGLISH_GIVEN = (  # noqa: SIM905
    "Oliver Amelia Harry Isla George Ava Jack Grace Charlie Freya Oscar Poppy James "
    "Emily William Daniel Hannah Priya Aisha Omar Kwame Chloe Ethan Mia Ruth Michael "
    "Helen David Susan Richard Alison Andrew Fiona Mark Zara Imran"
).split()
ENGLISH_FAMILY = (  # noqa: SIM905
    "Smith Jones Taylor Brown Williams Wilson Davies Evans Thomas Johnson Roberts Walker "
    "Wright Robinson Thompson White Hughes Edwards Green Hall Patel Khan Okafor Mensah "
    "Clarke Campbell Murphy O'Brien"
).split()
