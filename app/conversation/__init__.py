"""Conversations between meetings: a thread on each agreement and one general thread per citizen."""
