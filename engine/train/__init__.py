"""Tensors and the loop: data, batches, features, the model, penalties, evaluation, early stopping,
weight snapshots, the trainer, the lr finder, probes of a trained net and the run's lineage.
"""
