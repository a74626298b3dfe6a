"""Plain nn.Modules the LightningModules are built from; no Hydra, no Lightning in here."""
