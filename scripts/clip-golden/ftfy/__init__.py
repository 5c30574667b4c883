# Stand-in for ftfy (not packaged in Debian): Unicode NFC, which is all that the fast CLIP tokenizer of
# Stable Diffusion pipelines applies before lower-casing (ftfy's other repairs do not touch clean text).
import unicodedata
def fix_text(text):
    return unicodedata.normalize("NFC", text)
