"""Writers: each owns one output folder and writes one format from the model."""
