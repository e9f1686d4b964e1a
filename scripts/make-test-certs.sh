#!/usr/bin/env bash
# make-test-certs.sh OUTDIR
#
# Creates throwaway TLS material for the DfE stand-in (scripts/dfe_standin.py) and its tests.
# Needs only bash and the openssl command-line tool (written against OpenSSL 3.0).
#
# Files written to OUTDIR (created if missing; existing files are replaced, so running it twice is
# harmless; keys are mode 0600):
#
#   ca.pem, ca.key                 the test CA a client should trust (--cacert ca.pem)
#   server.pem, server.key         leaf signed by the test CA; SAN DNS:localhost, IP:127.0.0.1, IP:::1
#   other-ca.pem, other-ca.key     a second, unrelated CA
#   untrusted.pem, untrusted.key   leaf with the right SANs, signed by other-ca (untrusted by ca.pem)
#   wronghost.pem, wronghost.key   leaf signed by the test CA, SAN only DNS:wrong-host.example
#   expired.pem, expired.key       leaf signed by the test CA, right SANs, valid only in January 2020
#
# All keys are EC P-256 (fast to generate). Leaves carry serverAuth EKU and are valid for 825 days
# from now (except expired.pem). Both CAs are valid from 2020-01-01 for ten years from now, so that
# expired.pem falls inside its issuer's validity and "certificate has expired" is its only fault.
#
# Why `openssl ca` and not `openssl x509 -req`: OpenSSL 3.0's x509 cannot set a notBefore in the
# past; `openssl ca` accepts -startdate/-enddate. It needs a small database, kept in a temporary
# directory that is removed on exit.
#
# Quiet on success; on failure the output of the failing openssl command is printed to stderr.
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
    echo "usage: $0 OUTDIR" >&2
    exit 64
fi
outdir=$1
command -v openssl >/dev/null || { echo "$0: openssl not found on PATH" >&2; exit 69; }
mkdir -p -- "$outdir"

# Work inside OUTDIR so that the final moves are renames on one file system (atomic per file).
work=$(mktemp -d "$outdir/.make-test-certs.XXXXXX")
trap 'rm -rf -- "$work"' EXIT

# Run a command with its output captured; show the output only if it fails.
run() {
    if ! "$@" >"$work/log" 2>&1; then
        echo "$0: failed: $*" >&2
        cat "$work/log" >&2
        exit 1
    fi
}

# One configuration for every openssl invocation, so nothing depends on the system openssl.cnf.
cat >"$work/openssl.cnf" <<'EOF'
[ req ]
distinguished_name = req_dn
prompt             = no
[ req_dn ]
CN = placeholder

[ ca ]
default_ca = test_ca
[ test_ca ]
# dir is supplied per CA through the environment (CA_DIR).
dir              = $ENV::CA_DIR
database         = $dir/index.txt
new_certs_dir    = $dir/new
serial           = $dir/serial
rand_serial      = yes
default_md       = sha256
policy           = policy_any
unique_subject   = no
copy_extensions  = none
email_in_dn      = no
[ policy_any ]
commonName       = supplied

[ v3_ca ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ leaf_localhost ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
subjectAltName         = DNS:localhost, IP:127.0.0.1, IP:::1

[ leaf_wronghost ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
subjectAltName         = DNS:wrong-host.example
EOF
export OPENSSL_CONF="$work/openssl.cnf"
# The config refers to $ENV::CA_DIR, which must be set whenever it is loaded (even by `req`).
export CA_DIR="$work"

new_key() { # new_key NAME
    run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/$1.key"
}

# make_ca NAME CN: a self-signed CA certificate NAME.pem with key NAME.key.
make_ca() {
    local name=$1 cn=$2
    mkdir -p "$work/db-$name/new"
    : >"$work/db-$name/index.txt"
    echo 01 >"$work/db-$name/serial"
    new_key "$name"
    run openssl req -new -key "$work/$name.key" -subj "/CN=$cn" -out "$work/$name.csr"
    CA_DIR="$work/db-$name" run openssl ca -batch -notext -selfsign \
        -keyfile "$work/$name.key" -in "$work/$name.csr" -out "$work/$name.pem" \
        -extensions v3_ca -startdate 20200101000000Z -days 3650
}

# make_leaf NAME CA EXTENSIONS [openssl ca validity options...]: NAME.pem/NAME.key signed by CA.
make_leaf() {
    local name=$1 ca=$2 ext=$3
    shift 3
    new_key "$name"
    run openssl req -new -key "$work/$name.key" -subj "/CN=attsync-standin-$name" -out "$work/$name.csr"
    CA_DIR="$work/db-$ca" run openssl ca -batch -notext \
        -cert "$work/$ca.pem" -keyfile "$work/$ca.key" -in "$work/$name.csr" -out "$work/$name.pem" \
        -extensions "$ext" "$@"
}

make_ca ca "attsync test CA"
make_ca other-ca "attsync other (untrusted) CA"
make_leaf server ca leaf_localhost -days 825
make_leaf untrusted other-ca leaf_localhost -days 825
make_leaf wronghost ca leaf_wronghost -days 825
make_leaf expired ca leaf_localhost -startdate 20200101000000Z -enddate 20200131000000Z

# Sanity checks: the good leaf verifies, the bad ones fail for the intended reason.
run openssl verify -CAfile "$work/ca.pem" "$work/server.pem"
if openssl verify -CAfile "$work/ca.pem" "$work/untrusted.pem" >/dev/null 2>&1; then
    echo "$0: untrusted.pem unexpectedly verifies against ca.pem" >&2; exit 1
fi
if openssl verify -CAfile "$work/ca.pem" "$work/expired.pem" >/dev/null 2>&1; then
    echo "$0: expired.pem unexpectedly verifies" >&2; exit 1
fi

# Install: certificates world-readable, keys private. Each file is moved into place whole.
for name in ca other-ca server untrusted wronghost expired; do
    chmod 0644 "$work/$name.pem"
    chmod 0600 "$work/$name.key"
    mv -f -- "$work/$name.pem" "$outdir/$name.pem"
    mv -f -- "$work/$name.key" "$outdir/$name.key"
done
