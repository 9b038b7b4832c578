/// The OpenAPI 3.1 description of exactly the routes this build serves (`GET /openapi.yaml`). A test compares
/// its paths with the router's routes both ways, so it cannot describe a route that does not exist or miss one.
///
/// Kept in the binary as a string rather than a resource bundle: the daemon is a single file to install, and
/// a missing bundle next to it could not make the spec disappear.
enum OpenAPIDocument {
    static let yaml = """
        openapi: 3.1.0
        info:
          title: CertLedger log API
          version: 0.1.0
          description: >-
            Read API of a CertLedger ledger (DESIGN.md section 5): C2SP tlog-tiles, entries, RFC 9162 proofs
            against the signed checkpoint, health and metrics. Errors are
            {"error":{"code","message","field"}}.
        paths:
          /checkpoint:
            get:
              operationId: getCheckpoint
              summary: The latest signed checkpoint (C2SP tlog-checkpoint in a signed note).
              responses:
                '200':
                  description: Checkpoint note text.
                  content:
                    text/plain:
                      schema: {type: string}
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
                    entries/000. Only the canonical spelling is accepted.
                  schema: {type: string}
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
                  schema: {type: integer, minimum: 0}
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
              summary: RFC 9162 inclusion proof of entry index in the tree of the given size.
              parameters:
                - {name: index, in: query, required: true, schema: {type: integer, minimum: 0}}
                - {name: size, in: query, required: true, schema: {type: integer, minimum: 1}}
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
          /v1/proofs/consistency:
            get:
              operationId: getConsistencyProof
              summary: RFC 9162 consistency proof between two tree sizes.
              parameters:
                - {name: from, in: query, required: true, schema: {type: integer, minimum: 1}}
                - {name: to, in: query, required: true, schema: {type: integer, minimum: 1}}
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
              summary: Tree size and checkpoint age; 503 when the store does not answer.
              responses:
                '200':
                  description: Healthy.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Health'}
                '503':
                  description: The store does not answer.
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
            Health:
              type: object
              required: [status, treeSize]
              properties:
                status: {type: string, enum: [ok, unavailable]}
                treeSize: {type: integer}
                checkpointAgeSeconds: {type: number}
                reason: {type: string}
            Error:
              type: object
              required: [error]
              properties:
                error:
                  type: object
                  required: [code, message]
                  properties:
                    code: {type: string}
                    message: {type: string}
                    field: {type: string}
          responses:
            Error:
              description: >-
                An error (400 malformed, 404 not in the tree, 413 body too large, 503 overloaded or store
                unavailable, with Retry-After).
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Error'}

        """
}
