"""Read models of how pairs progress: pair health, program dashboard, feedback forms."""
