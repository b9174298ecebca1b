"""Programs, their objectives, and the stakeholder consultation that shapes them."""
