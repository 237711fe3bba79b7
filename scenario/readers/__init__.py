"""Readers: turn a scenario folder (this project, Katacoda or Killercoda) into the model."""
