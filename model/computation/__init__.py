"""The computation layer: inputs, priors, evidence, both inference paths, checks and simulation.

Everything here can change a number, so every result-cache key hashes the meaning of these modules
(:mod:`model.computation.fingerprint`). Modules import only from this layer and the package's root.
"""
