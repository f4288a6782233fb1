"""A tenant's privacy settings: which personal data is masked before anything is stored."""
