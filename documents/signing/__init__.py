"""PDF digital signatures (PAdES) and the platform's small certificate authority.

``crypto.py`` keys, certificates, revocation lists and PKCS#12 files (pure, no database);
``pades.py`` signing, time-stamping and validating PDF bytes with pyHanko;
``models.py`` the certificates and the signed revisions of documents;
``authority.py`` the use cases (the platform CA, issuing, uploading, revoking);
``stamping.py`` the signatures put on documents by the parties and the platform."""
