"""Tavle: a shared board where a citizen and their job-centre consultant set goals together."""
