"""Limits shared by the filing form and the API schemas: one place, one truth."""

TEXT_MIN_CHARS = 10
TEXT_MAX_CHARS = 10_000
PRODUCT_MAX = 200
BUSINESS_MAX = 200
AMOUNT_MAX_KRW = 100_000_000_000  # 1000억: above it a typo is likelier than a claim
MESSAGE_MAX_CHARS = 5_000
REASON_MAX_CHARS = 2_000

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAX_FILES = 5
EVIDENCE_EXTENSIONS = ("jpg", "jpeg", "png", "pdf", "hwp", "hwpx")
# Expanded size an .hwpx (a zip) may claim, and the ratio that marks a zip bomb.
HWPX_MAX_EXPANDED_BYTES = 100 * 1024 * 1024
HWPX_MAX_RATIO = 100
