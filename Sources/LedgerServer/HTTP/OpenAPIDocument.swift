/// The OpenAPI 3.1 description of exactly the routes a ledger daemon serves (`GET /openapi.yaml`). A test compares
/// its paths with the router's routes both ways, so it cannot describe a route that does not exist or miss one.
/// (A bare-log application without a Registry serves the read routes only.)
///
/// Kept in the binary as a string rather than a resource bundle: the daemon is a single file to install, and
/// a missing bundle next to it could not make the spec disappear.
enum OpenAPIDocument {
    static let yaml = """
        openapi: 3.1.0
        info:
          title: CertLedger API
          version: 0.2.0
          description: >-
            The API of a CertLedger ledger (DESIGN.md section 5): signed submissions, license and seal look-ups,
            the cross-department verifier, C2SP tlog-tiles, entries, RFC 9162 proofs against the signed
            checkpoint, health and metrics. Errors are {"error":{"code","message","field"}}. Record formats:
            docs/records.md; verifier answers: docs/verifier.md. Pages from any origin may use the read and verify
            routes (/checkpoint, /tile/..., /v1/entries, /v1/proofs, /v1/licenses, /v1/seals, POST /v1/verify):
            they answer Access-Control-Allow-Origin *, and a CORS preflight there is answered 204; submissions and
            the operator's routes carry no CORS header.
        paths:
          /v1/submissions:
            post:
              operationId: submit
              summary: >-
                One signed submission, or {"bundle":[...]} of 1-64 sequenced atomically at consecutive indices.
                Answered once the entries are durable. An exact re-send returns the original entries (200).
                With witnesses, wait=witnessed holds the answer (up to the request timeout) until a checkpoint
                carrying a quorum of cosignatures covers the entries and proves them against it; the header
                CertLedger-Witnessed says whether it did (the entries are accepted either way).
              description: >-
                A submission's record must follow the rules of its kind (docs/records.md) and be signed by a
                current key of a department whose role allows the kind: neither can be said in JSON Schema, so a
                body of the right shape may still be refused (400, 401, 403, 404, 409).
              parameters:
                - name: wait
                  in: query
                  required: false
                  schema: {type: string, enum: [witnessed]}
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      oneOf:
                        - {$ref: '#/components/schemas/Submission'}
                        - type: object
                          required: [bundle]
                          additionalProperties: false
                          properties:
                            bundle:
                              type: array
                              minItems: 1
                              maxItems: 64
                              items: {$ref: '#/components/schemas/Submission'}
              responses:
                '201':
                  description: Sequenced; the entries with inclusion proofs against the signed checkpoint.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/SubmissionAnswer'}
                '200':
                  description: A re-send of accepted submissions; the original entries (duplicate true).
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/SubmissionAnswer'}
                '400': {$ref: '#/components/responses/Error'}
                '401': {$ref: '#/components/responses/Error'}
                '403': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
                '409': {$ref: '#/components/responses/Error'}
                '413': {$ref: '#/components/responses/Error'}
                '415': {$ref: '#/components/responses/Error'}
                '429': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
          /v1/submissions/bulk:
            post:
              operationId: submitBulk
              summary: >-
                Many independent submissions as NDJSON: one signed submission (or one {"bundle":[...]}) per line,
                at most http.bulkMaxLines lines (default 1000) within the body limit. Each line is judged exactly
                as if it had been sent alone to POST /v1/submissions, in the order of the lines; the answer, once
                every accepted line is durable, has one result per line in order.
              description: >-
                200 whenever the request is a bulk request; each result carries line (1-based) and status (what the
                line would have got alone: 201 new, 200 re-send with the original entries, 400, 401, 403, 404, 409,
                413, 429 or 503) and either the single endpoint's answer (checkpoint, duplicate, entries, treeSize)
                or its error object (and retryAfter when waiting helps). One refused line never affects another;
                lines that depend on each other behave as if sent one by one in order (a revoke before the issue of
                the same license is 404, the issue after it 201). A blank line is refused as a line of its own (400
                empty_line); the newline after the last line is optional.
              requestBody:
                required: true
                content:
                  application/x-ndjson:
                    schema:
                      type: array
                      minItems: 1
                      maxItems: 1000
                      items: {$ref: '#/components/schemas/Submission'}
              responses:
                '200':
                  description: One result per line, in order, as NDJSON.
                  content:
                    application/x-ndjson:
                      schema:
                        type: array
                        items: {$ref: '#/components/schemas/BulkResult'}
                '400': {$ref: '#/components/responses/Error'}
                '413': {$ref: '#/components/responses/Error'}
                '415': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
          /v1/licenses/{uscc}:
            get:
              operationId: getLicense
              summary: >-
                The committed state of the license of a USCC, the indices of its entries and links, and the ids of
                the seals ever issued to the holder.
              parameters:
                - {name: uscc, in: path, required: true, schema: {$ref: '#/components/schemas/USCC'}}
              responses:
                '200':
                  description: The license.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [uscc, status, version, currentIndex, document, history, links, seals, treeSize]
                        properties:
                          uscc: {type: string}
                          status: {type: string, enum: [live, revoked, cancelled]}
                          version: {type: integer}
                          currentIndex: {type: integer}
                          document: {type: object}
                          termEnd: {type: string, format: date}
                          endIndex: {type: integer}
                          endEffectiveOn: {type: string, format: date}
                          history: {type: array, items: {type: integer}}
                          links: {type: array, items: {type: integer}}
                          seals: {type: array, items: {type: string}}
                          treeSize: {type: integer}
                '400': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
          /v1/seals/{sealId}:
            get:
              operationId: getSeal
              summary: The committed state of a seal and the indices of its entries.
              parameters:
                - {name: sealId, in: path, required: true, schema: {$ref: '#/components/schemas/SealID'}}
              responses:
                '200':
                  description: The seal.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [sealId, holder, sealType, validFrom, validTo, revoked, issueIndex, history,
                                   treeSize]
                        properties:
                          sealId: {type: string}
                          holder: {type: string}
                          sealType: {type: string}
                          validFrom: {type: string, format: date}
                          validTo: {type: string, format: date}
                          revoked: {type: boolean}
                          issueIndex: {type: integer}
                          revokeIndex: {type: integer}
                          revokedOn: {type: string, format: date}
                          history: {type: array, items: {type: integer}}
                          treeSize: {type: integer}
                '400': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
          /v1/verify:
            post:
              operationId: verify
              summary: >-
                Cross-department authenticity check of a license (uscc, optional document digest), a seal
                (sealId, optional holder) or a document digest; the verdict with the deciding entries, their
                inclusion proofs, the signed checkpoint, the status map's proofs of every key the verdict reads
                (statusMap: the map.root entry closing the tree and a map proof per key, with its value or none
                when absent; docs/verifier.md) and a receipt signed by the ledger's receipt key. The verdict
                follows from the proofs alone; the receipt is an optional signed record of the question.
              parameters:
                - name: receipt
                  in: query
                  required: false
                  description: >-
                    false answers without the receipt (the same answer less its receipt member, which costs
                    the ledger a signature over the whole answer); absent or true, with it.
                  schema: {type: string, enum: ['true', 'false']}
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      oneOf:
                        - type: object
                          description: A license question; optional members may be null (as if absent).
                          required: [subject, uscc]
                          additionalProperties: false
                          properties:
                            subject: {const: license}
                            uscc: {$ref: '#/components/schemas/USCC'}
                            document: {oneOf: [{$ref: '#/components/schemas/Digest'}, {type: 'null'}]}
                            asOf: {oneOf: [{$ref: '#/components/schemas/Date'}, {type: 'null'}]}
                        - type: object
                          required: [subject, sealId]
                          additionalProperties: false
                          properties:
                            subject: {const: seal}
                            sealId: {$ref: '#/components/schemas/SealID'}
                            holder: {oneOf: [{$ref: '#/components/schemas/USCC'}, {type: 'null'}]}
                            asOf: {oneOf: [{$ref: '#/components/schemas/Date'}, {type: 'null'}]}
                        - type: object
                          required: [subject, document]
                          additionalProperties: false
                          properties:
                            subject: {const: document}
                            document: {$ref: '#/components/schemas/Digest'}
                            asOf: {oneOf: [{$ref: '#/components/schemas/Date'}, {type: 'null'}]}
              responses:
                '200':
                  description: >-
                    The answer (canonical JSON); verdict authentic, revoked, cancelled, expired, mismatch or
                    unknown.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [v, question, verdict, reason, asOf, answeredAt, entries, genesis, statusMap,
                                   treeSize, checkpoint]
                        properties:
                          statusMap:
                            type: object
                            required: [mapRoot, proofs]
                            properties:
                              mapRoot:
                                type: object
                                required: [index, entry, inclusionProof]
                              proofs:
                                type: array
                                items:
                                  type: object
                                  required: [key, proof]
                                  properties:
                                    key: {type: string}
                                    proof: {type: object, required: [depth, siblings, terminal]}
                                    value: {type: string, description: The value's RFC 8785 text; absent when the key is.}
                '503': {$ref: '#/components/responses/Error'}
                '400': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
                '415': {$ref: '#/components/responses/Error'}
          /checkpoint:
            get:
              operationId: getCheckpoint
              summary: >-
                The latest signed checkpoint (C2SP tlog-checkpoint in a signed note). With witnesses, the newest one
                carrying a quorum of witness cosignatures (as extra signature lines).
              responses:
                '200':
                  description: Checkpoint note text.
                  content:
                    text/plain:
                      schema: {type: string}
                '503': {$ref: '#/components/responses/Error'}
          /tile/{tilePath}:
            get:
              operationId: getTile
              summary: >-
                A C2SP hash tile (tile/<L>/<N>[.p/<W>]) or entry bundle (tile/entries/<N>[.p/<W>]).
              parameters:
                - name: tilePath
                  in: path
                  required: true
                  description: >-
                    The rest of the C2SP path after /tile/, which contains slashes, e.g. 0/x001/234.p/8 or
                    entries/000: a level 0-63 or "entries", the index in groups of three digits (all but the last
                    prefixed with x, no leading x000), and for a partial tile .p/ and its width 1-255. Only this
                    canonical spelling is accepted; a tile the tree does not have (yet) is 404.
                  schema:
                    type: string
                    pattern: '^(entries|[0-9]|[1-5][0-9]|6[0-3])/(x([1-9][0-9]{2}|0[1-9][0-9]|00[1-9])/(x[0-9]{3}/){0,4})?[0-9]{3}(\\.p/([1-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]))?$'
              responses:
                '200':
                  description: Tile bytes (32-byte hashes, or uint16-length-prefixed entries).
                  content:
                    application/octet-stream:
                      schema: {type: string, format: binary}
                '400': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
          /v1/entries/{index}:
            get:
              operationId: getEntry
              summary: One entry, its bytes, leaf hash and decoded JSON.
              parameters:
                - name: index
                  in: path
                  required: true
                  schema: {type: integer, minimum: 0, maximum: 18446744073709551615}
              responses:
                '200':
                  description: The entry.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [index, entry, leafHash, decoded]
                        properties:
                          index: {type: integer}
                          entry: {type: string, contentEncoding: base64}
                          leafHash: {type: string, contentEncoding: base64}
                          decoded: {type: object}
                '400': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
          /v1/proofs/inclusion:
            get:
              operationId: getInclusionProof
              summary: >-
                RFC 9162 inclusion proof of entry index in the tree of the given size. With witnesses the checkpoint
                is the newest witnessed one, and a size beyond it is 404 not_witnessed.
              description: index must be below size (400 otherwise); a size above the tree's is 404.
              parameters:
                - {name: index, in: query, required: true, schema: {type: integer, minimum: 0,
                   maximum: 18446744073709551614}}
                - {name: size, in: query, required: true, schema: {type: integer, minimum: 1,
                   maximum: 18446744073709551615}}
              responses:
                '200':
                  description: The proof and the current signed checkpoint.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [index, size, leafHash, proof, checkpoint]
                        properties:
                          index: {type: integer}
                          size: {type: integer}
                          leafHash: {type: string, contentEncoding: base64}
                          proof: {type: array, items: {type: string, contentEncoding: base64}}
                          checkpoint: {type: string}
                '400': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
          /v1/map/proof:
            get:
              operationId: getMapProof
              summary: >-
                Status-map proof of one key (DESIGN.md section 3) at a checkpointed size whose last entry is a
                map.root (default the newest served size), with that entry, its inclusion proof and the checkpoint
                of the same size. A terminal whose key is the asked tree key proves presence with the value's hash;
                anything else proves absence.
              description: >-
                key is license:USCC, seal:sealId or document:sha256|sm3:hex (400 naming key otherwise, USCC check
                characters verified). A size that is not checkpointed, or whose tree does not end with a map root
                this daemon keeps, is 404.
              parameters:
                - {name: key, in: query, required: true, schema: {$ref: '#/components/schemas/MapKey'}}
                - {name: size, in: query, required: false, schema: {type: integer, minimum: 1,
                   maximum: 18446744073709551615}}
              responses:
                '200':
                  description: The map proof, the map.root entry proven in the tree, and the signed checkpoint.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [checkpoint, key, mapRoot, proof, root, size, treeKey]
                        properties:
                          checkpoint: {type: string}
                          key: {type: string}
                          mapRoot:
                            type: object
                            required: [entry, inclusionProof, index, leafHash]
                            properties:
                              entry: {type: string, contentEncoding: base64}
                              inclusionProof: {type: array, items: {type: string, contentEncoding: base64}}
                              index: {type: integer}
                              leafHash: {type: string, contentEncoding: base64}
                          proof:
                            type: object
                            required: [depth, siblings, terminal]
                            properties:
                              depth: {type: integer, minimum: 0, maximum: 256}
                              siblings:
                                type: array
                                items: {type: [string, 'null'], contentEncoding: base64}
                              terminal:
                                type: [object, 'null']
                                required: [key, valueHash]
                                properties:
                                  key: {type: string, pattern: '^[0-9a-f]{64}$'}
                                  valueHash: {type: string, pattern: '^[0-9a-f]{64}$'}
                          root: {type: string, contentEncoding: base64}
                          size: {type: integer}
                          treeKey: {type: string, pattern: '^[0-9a-f]{64}$'}
                '400': {$ref: '#/components/responses/Error'}
                '401': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
          /v1/witness-policy:
            get:
              operationId: getWitnessPolicy
              summary: >-
                The operator's latest witness.policy entry (docs/records.md) with its inclusion proof against the
                served checkpoint (the witnessed one when the ledger has witnesses), as a submission answer of one
                entry; checkers compare it with their own witness policy file.
              description: >-
                404 when the operator has published no witness.policy entry; 503 (Retry-After) while the latest one
                is not yet in a served checkpoint. Public, like /checkpoint, whatever readAccess says.
              responses:
                '200':
                  description: The entry, its inclusion proof and the signed checkpoint it leads to.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/SubmissionAnswer'}
                '404': {$ref: '#/components/responses/Error'}
                '503': {$ref: '#/components/responses/Error'}
          /v1/proofs/consistency:
            get:
              operationId: getConsistencyProof
              summary: RFC 9162 consistency proof between two tree sizes.
              description: from must not exceed to (400 otherwise); a size above the tree's is 404.
              parameters:
                - {name: from, in: query, required: true, schema: {type: integer, minimum: 1,
                   maximum: 18446744073709551615}}
                - {name: to, in: query, required: true, schema: {type: integer, minimum: 1,
                   maximum: 18446744073709551615}}
              responses:
                '200':
                  description: The proof and the current signed checkpoint.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [from, to, proof, checkpoint]
                        properties:
                          from: {type: integer}
                          to: {type: integer}
                          proof: {type: array, items: {type: string, contentEncoding: base64}}
                          checkpoint: {type: string}
                '400': {$ref: '#/components/responses/Error'}
                '404': {$ref: '#/components/responses/Error'}
          /healthz:
            get:
              operationId: getHealth
              summary: Tree size, checkpoint age and the background verification; 503 when the store does not answer or was found damaged.
              responses:
                '200':
                  description: Healthy (ok), or degraded - reads served, writes refused by the store.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Health'}
                '503':
                  description: The store does not answer (unavailable), or the background verification found it damaged (failed).
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Health'}
          /metrics:
            get:
              operationId: getMetrics
              summary: Prometheus text exposition (format 0.0.4).
              responses:
                '200':
                  description: Metrics.
                  content:
                    text/plain:
                      schema: {type: string}
          /:
            get:
              operationId: getVerificationPage
              summary: >-
                The clerk's verification page (Chinese first, English toggle) with the ledger's checkpoint verifier
                key pinned in it; the browser checks checkpoint signatures and inclusion proofs itself.
              responses:
                '200':
                  description: The page.
                  content:
                    text/html:
                      schema: {type: string}
                '503': {$ref: '#/components/responses/Error'}
          /page/{asset}:
            get:
              operationId: getVerificationPageAsset
              summary: The page's style sheet and scripts, compiled into the daemon.
              parameters:
                - {name: asset, in: path, required: true, schema: {type: string, enum: [style.css, check.js, text.js, app.js]}}
              responses:
                '200':
                  description: The asset.
                  content:
                    text/css:
                      schema: {type: string}
                    text/javascript:
                      schema: {type: string}
                '404': {$ref: '#/components/responses/Error'}
          /openapi.yaml:
            get:
              operationId: getOpenAPI
              summary: This document.
              responses:
                '200':
                  description: OpenAPI 3.1 YAML.
                  content:
                    application/yaml:
                      schema: {type: string}
        components:
          schemas:
            USCC:
              type: string
              format: uscc
              description: >-
                A unified social credit code (GB 32100-2015): registration authority, entity category, six digits
                of an administrative division, the organisation code with its GB 11714 check character, and the
                check character of the whole code (both check characters are verified: 400 when wrong).
              pattern: '^[1-9ANY][0-9A-HJ-NPQRTUW-Y][0-9]{6}[0-9A-HJ-NPQRTUW-Y]{10}$'
            MapKey:
              type: string
              format: map-key
              description: >-
                A status-map key: license:USCC (check characters verified), seal:sealId, or
                document:sha256:hex / document:sm3:hex (64 lower-case hex digits).
              pattern: '^(license:[1-9ANY][0-9A-HJ-NPQRTUW-Y][0-9]{6}[0-9A-HJ-NPQRTUW-Y]{10}|seal:[0-9]{6}[0-9A-Z]{2,26}|document:(sha256|sm3):[0-9a-f]{64})$'
            SealID:
              type: string
              description: A 6-digit division code and 2-26 characters of 0-9 and A-Z.
              pattern: '^[0-9]{6}[0-9A-Z]{2,26}$'
            Date:
              type: string
              description: A calendar date YYYY-MM-DD in the years 1900-2999.
              format: date
              pattern: '^(19|2[0-9])[0-9]{2}-'
            Digest:
              type: object
              required: [algorithm, digest]
              additionalProperties: false
              properties:
                algorithm: {type: string, enum: [sha256, sm3]}
                digest: {type: string, pattern: '^[0-9a-f]{64}$'}
            Submission:
              type: object
              required: [kind, department, keyId, nonce, record, signature]
              additionalProperties: false
              properties:
                kind:
                  type: string
                  enum: [department.register, department.rotate-key, department.retire, license.issue,
                         license.amend, license.revoke, license.cancel, seal.issue, seal.revoke, link.share]
                department: {type: string}
                keyId: {type: string, pattern: '^[0-9a-f]{32}$'}
                nonce: {type: string, pattern: '^[A-Za-z0-9_-]{16,64}$'}
                record: {type: object}
                signature: {type: string, contentEncoding: base64}
            Health:
              type: object
              required: [status, treeSize]
              properties:
                status: {type: string, enum: [ok, degraded, unavailable, failed]}
                treeSize: {type: integer}
                checkpointAgeSeconds: {type: number}
                reason: {type: string}
                integrity: {type: string, enum: [pending, verifying, verified, failed, incomplete]}
                integrityIndex: {type: integer}
                witnessedSize: {type: integer}
                witnessedAgeSeconds: {type: number}
                witnessNote: {type: string}
            SubmissionAnswer:
              type: object
              required: [checkpoint, duplicate, entries, treeSize]
              properties:
                checkpoint: {type: string}
                duplicate: {type: boolean}
                treeSize: {type: integer}
                entries:
                  type: array
                  items: {$ref: '#/components/schemas/SequencedEntry'}
            BulkResult:
              type: object
              required: [line, status]
              properties:
                line: {type: integer, minimum: 1}
                status: {type: integer, enum: [200, 201, 400, 401, 403, 404, 409, 413, 429, 503]}
                checkpoint: {type: string}
                duplicate: {type: boolean}
                treeSize: {type: integer}
                entries:
                  type: array
                  items: {$ref: '#/components/schemas/SequencedEntry'}
                error: {$ref: '#/components/schemas/ErrorDetail'}
                retryAfter: {type: integer}
            SequencedEntry:
              type: object
              required: [index, entry, leafHash, inclusionProof]
              properties:
                index: {type: integer}
                entry: {type: string, contentEncoding: base64}
                leafHash: {type: string, contentEncoding: base64}
                inclusionProof: {type: array, items: {type: string, contentEncoding: base64}}
            ErrorDetail:
              type: object
              required: [code, message]
              properties:
                code: {type: string}
                message: {type: string}
                field: {type: string}
            Error:
              type: object
              required: [error]
              properties:
                error: {$ref: '#/components/schemas/ErrorDetail'}
          responses:
            Error:
              description: >-
                An error (400 malformed, 401 bad signature, 403 role, 404 unknown, 405 method not served at
                this path (with Allow), 408 body not received in time, 409 state conflict, 413 too large, 415
                wrong content type, 429 one department's share of the queue is full, 503 overloaded or store
                unavailable; 429 and 503 with Retry-After). Every GET operation answers HEAD too.
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Error'}

        """
}
