"""`khabar bench`: scale measurements of Khabar beside its peers, on synthetic articles built from
real Hindi text. Nothing here is imported by the product; it only drives the product's own code."""
