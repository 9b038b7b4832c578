// The only C that CertLedger sees of OpenSSL 3. Imported by LedgerCrypto and nothing else.
// Deprecated APIs are hidden so that nothing of OpenSSL 1.x can creep in.
#ifndef CERTLEDGER_COPENSSL_SHIM_H
#define CERTLEDGER_COPENSSL_SHIM_H

#define OPENSSL_API_COMPAT 30000
#define OPENSSL_NO_DEPRECATED 1

#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/x509.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#endif
