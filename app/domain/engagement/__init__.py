"""Engagement: the rules that say what each person has to do next (their agenda), the
nudges sent when an item starts or becomes urgent, and the pausing or ending of inactive
pairs. It reads the modules below it and acts through their services."""
