"""The OpenSearch engine: a local OpenSearch 2.19 cluster (see localcluster.py) and Khabar's client for it."""
