"""The mentor support network: circles, discussions, meetings, workshops, guest mentors."""
