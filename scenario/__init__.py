"""Write, check and serve interactive click-to-run tutorials in the Katacoda and Killercoda formats."""
