/// The hand-written OpenAPI 3.1 document: every route the server serves, with schemas of its real answers.
/// Keep it in step with Routes/ and Encoding/ResponseModels.swift; schemathesis checks it against the running server.
extension OpenAPIDocument {
    static let text = ##"""
    {
     "openapi": "3.1.0",
     "info": {
      "title": "VectorLogic",
      "version": "1.0.0",
      "description": "Crash-safe vector database. Every success body is {status:'success',data,meta}; every error body is {status:'error',error,message,details}. A 2xx answer to a write means the change is fsync'd in the write-ahead log. Authentication (when the server runs with --auth on or VECTORLOGIC_ADMIN_KEY): X-API-Key or Authorization: Bearer on every route except /health, /ready, /metrics and /admin; 401 unauthorized without a valid key, 403 forbidden without the permission."
     },
     "servers": [
      {
       "url": "/"
      }
     ],
     "paths": {
      "/admin": {
       "get": {
        "operationId": "adminPage",
        "summary": "The operators' web page (HTML; reads the JSON API from the browser).",
        "responses": {
         "200": {
          "description": "The page.",
          "content": {
           "text/html": {
            "schema": {
             "type": "string"
            }
           }
          }
         }
        }
       }
      },
      "/health": {
       "get": {
        "operationId": "health",
        "summary": "Liveness.",
        "responses": {
         "200": {
          "description": "Running.",
          "content": {
           "application/json": {
            "schema": {
             "type": "object",
             "required": [
              "status"
             ],
             "properties": {
              "status": {
               "const": "ok"
              }
             }
            }
           }
          }
         }
        }
       }
      },
      "/ready": {
       "get": {
        "operationId": "ready",
        "summary": "Readiness: recovery done and writes accepted.",
        "responses": {
         "200": {
          "description": "Ready.",
          "content": {
           "application/json": {
            "schema": {
             "type": "object",
             "required": [
              "status"
             ],
             "properties": {
              "status": {
               "const": "ready"
              }
             }
            }
           }
          }
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/metrics": {
       "get": {
        "operationId": "metrics",
        "summary": "Prometheus text exposition.",
        "responses": {
         "200": {
          "description": "Metrics.",
          "content": {
           "text/plain": {
            "schema": {
             "type": "string"
            }
           }
          }
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         }
        }
       }
      },
      "/openapi.json": {
       "get": {
        "operationId": "openapi",
        "summary": "This document.",
        "responses": {
         "200": {
          "description": "OpenAPI 3.1.",
          "content": {
           "application/json": {
            "schema": {
             "type": "object"
            }
           }
          }
         }
        }
       }
      },
      "/v1/stats": {
       "get": {
        "operationId": "stats",
        "summary": "Engine figures.",
        "responses": {
         "200": {
          "description": "Figures.",
          "headers": {
           "X-Request-Id": {
            "$ref": "#/components/headers/RequestId"
           }
          },
          "content": {
           "application/json": {
            "schema": {
             "type": "object",
             "required": [
              "status",
              "data",
              "meta"
             ],
             "properties": {
              "status": {
               "const": "success"
              },
              "data": {
               "$ref": "#/components/schemas/Stats"
              },
              "meta": {
               "$ref": "#/components/schemas/Meta"
              }
             }
            }
           }
          }
         }
        }
       }
      },
      "/v1/collections": {
       "get": {
        "operationId": "listCollections",
        "summary": "All collections, by name.",
        "responses": {
         "200": {
          "description": "Collections.",
          "headers": {
           "X-Request-Id": {
            "$ref": "#/components/headers/RequestId"
           }
          },
          "content": {
           "application/json": {
            "schema": {
             "type": "object",
             "required": [
              "status",
              "data",
              "meta"
             ],
             "properties": {
              "status": {
               "const": "success"
              },
              "data": {
               "type": "array",
               "items": {
                "$ref": "#/components/schemas/Collection"
               }
              },
              "meta": {
               "type": "object",
               "properties": {
                "timestamp": {
                 "type": "integer"
                },
                "count": {
                 "type": "integer"
                }
               },
               "required": [
                "timestamp",
                "count"
               ]
              }
             }
            }
           }
          }
         }
        }
       },
       "post": {
        "operationId": "createCollection",
        "summary": "Create a collection.",
        "requestBody": {
         "required": true,
         "content": {
          "application/json": {
           "schema": {
            "$ref": "#/components/schemas/CreateCollection"
           }
          }
         }
        },
        "responses": {
         "201": {
          "description": "Created.",
          "headers": {
           "X-Request-Id": {
            "$ref": "#/components/headers/RequestId"
           }
          },
          "content": {
           "application/json": {
            "schema": {
             "type": "object",
             "required": [
              "status",
              "data",
              "meta"
             ],
             "properties": {
              "status": {
               "const": "success"
              },
              "data": {
               "$ref": "#/components/schemas/Collection"
              },
              "meta": {
               "$ref": "#/components/schemas/Meta"
              }
             }
            }
           }
          }
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "409": {
          "$ref": "#/components/responses/Conflict"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/v1/collections/{collection}": {
       "parameters": [
        {
         "name": "collection",
         "in": "path",
         "required": true,
         "description": "Collection name.",
         "schema": {
          "type": "string",
          "pattern": "^[A-Za-z0-9_-]{1,64}$"
         }
        }
       ],
       "get": {
        "operationId": "getCollection",
        "summary": "A collection's configuration and figures.",
        "responses": {
         "200": {
          "description": "The collection.",
          "headers": {
           "X-Request-Id": {
            "$ref": "#/components/headers/RequestId"
           }
          },
          "content": {
           "application/json": {
            "schema": {
             "type": "object",
             "required": [
              "status",
              "data",
              "meta"
             ],
             "properties": {
              "status": {
               "const": "success"
              },
              "data": {
               "$ref": "#/components/schemas/Collection"
              },
              "meta": {
               "$ref": "#/components/schemas/Meta"
              }
             }
            }
           }
          }
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         }
        }
       },
       "delete": {
        "operationId": "dropCollection",
        "summary": "Drop a collection and remove its files.",
        "responses": {
         "200": {
          "description": "Dropped.",
          "headers": {
           "X-Request-Id": {
            "$ref": "#/components/headers/RequestId"
           }
          },
          "content": {
           "application/json": {
            "schema": {
             "type": "object",
             "required": [
              "status",
              "data",
              "meta"
             ],
             "properties": {
              "status": {
               "const": "success"
              },
              "data": {
               "type": "object",
               "required": [
                "name",
                "deleted"
               ],
               "properties": {
                "name": {
                 "type": "string"
                },
                "deleted": {
                 "type": "boolean"
                }
               }
              },
              "meta": {
               "$ref": "#/components/schemas/Meta"
              }
             }
            }
           }
          }
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/v1/collections/{collection}/vectors": {
       "parameters": [
        {
         "name": "collection",
         "in": "path",
         "required": true,
         "description": "Collection name.",
         "schema": {
          "type": "string",
          "pattern": "^[A-Za-z0-9_-]{1,64}$"
         }
        }
       ],
       "post": {
        "operationId": "upsertVectors",
        "summary": "Insert or replace 1…10,000 vectors; a bad item (an id named twice, a squared L2 norm over 1e37, a nonzero value that underflows float32) rejects the whole batch with 400.",
        "requestBody": {
         "required": true,
         "content": {
          "application/json": {
           "schema": {
            "$ref": "#/components/schemas/Upsert"
           }
          }
         }
        },
        "responses": {
         "200": {
          "description": "Upserted and durable.",
          "headers": {
           "X-Request-Id": {
            "$ref": "#/components/headers/RequestId"
           }
          },
          "content": {
           "application/json": {
            "schema": {
             "type": "object",
             "required": [
              "status",
              "data",
              "meta"
             ],
             "properties": {
              "status": {
               "const": "success"
              },
              "data": {
               "$ref": "#/components/schemas/Upserted"
              },
              "meta": {
               "$ref": "#/components/schemas/Meta"
              }
             }
            }
           }
          }
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/v1/collections/{collection}/vectors/delete": {
       "parameters": [
        {
         "name": "collection",
         "in": "path",
         "required": true,
         "description": "Collection name.",
         "schema": {
          "type": "string",
          "pattern": "^[A-Za-z0-9_-]{1,64}$"
         }
        }
       ],
       "post": {
        "operationId": "deleteVectors",
        "summary": "Delete by ids or by filter.",
        "requestBody": {
         "$ref": "#/components/requestBodies/DeleteVectors"
        },
        "responses": {
         "200": {
          "$ref": "#/components/responses/DeletedOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/v1/collections/{collection}/vectors/{id}": {
       "parameters": [
        {
         "name": "collection",
         "in": "path",
         "required": true,
         "description": "Collection name.",
         "schema": {
          "type": "string",
          "pattern": "^[A-Za-z0-9_-]{1,64}$"
         }
        },
        {
         "name": "id",
         "in": "path",
         "required": true,
         "description": "Vector id.",
         "schema": {
          "type": "string",
          "pattern": "^[A-Za-z0-9_-]{1,128}$"
         }
        }
       ],
       "get": {
        "operationId": "getVector",
        "summary": "One vector and its metadata.",
        "parameters": [
         {
          "name": "include_values",
          "in": "query",
          "required": false,
          "schema": {
           "type": "boolean"
          }
         }
        ],
        "responses": {
         "200": {
          "description": "The vector.",
          "headers": {
           "X-Request-Id": {
            "$ref": "#/components/headers/RequestId"
           }
          },
          "content": {
           "application/json": {
            "schema": {
             "type": "object",
             "required": [
              "status",
              "data",
              "meta"
             ],
             "properties": {
              "status": {
               "const": "success"
              },
              "data": {
               "$ref": "#/components/schemas/Vector"
              },
              "meta": {
               "$ref": "#/components/schemas/Meta"
              }
             }
            }
           }
          }
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         }
        }
       },
       "put": {
        "operationId": "putVector",
        "summary": "Replace (or create) one vector.",
        "requestBody": {
         "required": true,
         "content": {
          "application/json": {
           "schema": {
            "$ref": "#/components/schemas/PutVector"
           }
          }
         }
        },
        "responses": {
         "200": {
          "$ref": "#/components/responses/UpsertedOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       },
       "patch": {
        "operationId": "patchVector",
        "summary": "Merge metadata keys; values are kept.",
        "requestBody": {
         "required": true,
         "content": {
          "application/json": {
           "schema": {
            "$ref": "#/components/schemas/PatchVector"
           }
          }
         }
        },
        "responses": {
         "200": {
          "description": "Patched.",
          "headers": {
           "X-Request-Id": {
            "$ref": "#/components/headers/RequestId"
           }
          },
          "content": {
           "application/json": {
            "schema": {
             "type": "object",
             "required": [
              "status",
              "data",
              "meta"
             ],
             "properties": {
              "status": {
               "const": "success"
              },
              "data": {
               "type": "object",
               "required": [
                "id",
                "updated"
               ],
               "properties": {
                "id": {
                 "type": "string"
                },
                "updated": {
                 "type": "integer"
                }
               }
              },
              "meta": {
               "$ref": "#/components/schemas/Meta"
              }
             }
            }
           }
          }
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       },
       "delete": {
        "operationId": "deleteVector",
        "summary": "Delete one vector.",
        "responses": {
         "200": {
          "$ref": "#/components/responses/DeletedOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/v1/collections/{collection}/search": {
       "parameters": [
        {
         "name": "collection",
         "in": "path",
         "required": true,
         "description": "Collection name.",
         "schema": {
          "type": "string",
          "pattern": "^[A-Za-z0-9_-]{1,64}$"
         }
        }
       ],
       "post": {
        "operationId": "search",
        "summary": "k nearest neighbours, best first; filtered searches return the best k among matching vectors.",
        "requestBody": {
         "required": true,
         "content": {
          "application/json": {
           "schema": {
            "$ref": "#/components/schemas/Search"
           }
          }
         }
        },
        "responses": {
         "200": {
          "$ref": "#/components/responses/SearchResultOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         }
        }
       }
      },
      "/v1/collections/{collection}/scroll": {
       "parameters": [
        {
         "name": "collection",
         "in": "path",
         "required": true,
         "description": "Collection name.",
         "schema": {
          "type": "string",
          "pattern": "^[A-Za-z0-9_-]{1,64}$"
         }
        }
       ],
       "post": {
        "operationId": "scroll",
        "summary": "A page of vectors in id order.",
        "requestBody": {
         "required": false,
         "content": {
          "application/json": {
           "schema": {
            "$ref": "#/components/schemas/Scroll"
           }
          }
         }
        },
        "responses": {
         "200": {
          "description": "A page.",
          "headers": {
           "X-Request-Id": {
            "$ref": "#/components/headers/RequestId"
           }
          },
          "content": {
           "application/json": {
            "schema": {
             "type": "object",
             "required": [
              "status",
              "data",
              "meta"
             ],
             "properties": {
              "status": {
               "const": "success"
              },
              "data": {
               "type": "object",
               "required": [
                "vectors",
                "next_cursor"
               ],
               "properties": {
                "vectors": {
                 "type": "array",
                 "items": {
                  "$ref": "#/components/schemas/Vector"
                 }
                },
                "next_cursor": {
                 "type": [
                  "string",
                  "null"
                 ]
                }
               }
              },
              "meta": {
               "type": "object",
               "properties": {
                "timestamp": {
                 "type": "integer"
                },
                "count": {
                 "type": "integer"
                }
               },
               "required": [
                "timestamp",
                "count"
               ]
              }
             }
            }
           }
          }
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         }
        }
       }
      },
      "/v1/collections/{collection}/count": {
       "parameters": [
        {
         "name": "collection",
         "in": "path",
         "required": true,
         "description": "Collection name.",
         "schema": {
          "type": "string",
          "pattern": "^[A-Za-z0-9_-]{1,64}$"
         }
        }
       ],
       "post": {
        "operationId": "count",
        "summary": "Vectors matching a filter (all without one).",
        "requestBody": {
         "required": false,
         "content": {
          "application/json": {
           "schema": {
            "$ref": "#/components/schemas/Count"
           }
          }
         }
        },
        "responses": {
         "200": {
          "description": "The count.",
          "headers": {
           "X-Request-Id": {
            "$ref": "#/components/headers/RequestId"
           }
          },
          "content": {
           "application/json": {
            "schema": {
             "type": "object",
             "required": [
              "status",
              "data",
              "meta"
             ],
             "properties": {
              "status": {
               "const": "success"
              },
              "data": {
               "type": "object",
               "required": [
                "count"
               ],
               "properties": {
                "count": {
                 "type": "integer"
                }
               }
              },
              "meta": {
               "$ref": "#/components/schemas/Meta"
              }
             }
            }
           }
          }
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         }
        }
       }
      },
      "/vectors": {
       "post": {
        "operationId": "shortUpsert",
        "summary": "Seed route: upsert into the default collection.",
        "requestBody": {
         "$ref": "#/components/requestBodies/ShortUpsert"
        },
        "responses": {
         "200": {
          "$ref": "#/components/responses/UpsertedOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/vectors/batch": {
       "post": {
        "operationId": "shortUpsertBatch",
        "summary": "Seed route: upsert a batch into the default collection.",
        "requestBody": {
         "$ref": "#/components/requestBodies/ShortUpsert"
        },
        "responses": {
         "200": {
          "$ref": "#/components/responses/UpsertedOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       },
       "delete": {
        "operationId": "shortDeleteBatch",
        "summary": "Seed route: delete ids from the default collection.",
        "requestBody": {
         "$ref": "#/components/requestBodies/DeleteVectors"
        },
        "responses": {
         "200": {
          "$ref": "#/components/responses/DeletedOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/vectors/search": {
       "post": {
        "operationId": "shortSearch",
        "summary": "Seed route: search the default collection.",
        "requestBody": {
         "required": true,
         "content": {
          "application/json": {
           "schema": {
            "$ref": "#/components/schemas/ShortSearch"
           }
          }
         }
        },
        "responses": {
         "200": {
          "$ref": "#/components/responses/SearchResultOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         }
        }
       },
       "get": {
        "operationId": "shortSearchGet",
        "summary": "Seed route: search with query parameters.",
        "parameters": [
         {
          "name": "vector",
          "in": "query",
          "schema": {
           "type": "string"
          },
          "description": "Comma-separated numbers or a JSON array."
         },
         {
          "$ref": "#/components/parameters/QueryQuery"
         },
         {
          "$ref": "#/components/parameters/LimitQuery"
         },
         {
          "$ref": "#/components/parameters/ThresholdQuery"
         },
         {
          "name": "filters",
          "in": "query",
          "schema": {
           "type": "string"
          },
          "description": "A JSON filter object."
         }
        ],
        "responses": {
         "200": {
          "$ref": "#/components/responses/SearchResultOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         }
        }
       }
      },
      "/vectors/{id}": {
       "parameters": [
        {
         "name": "id",
         "in": "path",
         "required": true,
         "description": "Vector id.",
         "schema": {
          "type": "string",
          "pattern": "^[A-Za-z0-9_-]{1,128}$"
         }
        }
       ],
       "put": {
        "operationId": "shortPut",
        "summary": "Seed route: replace one vector of the default collection.",
        "requestBody": {
         "required": true,
         "content": {
          "application/json": {
           "schema": {
            "type": "object",
            "properties": {
             "vector": {
              "type": "array",
              "items": {
               "type": "number"
              }
             },
             "values": {
              "type": "array",
              "items": {
               "type": "number"
              }
             },
             "metadata": {
              "oneOf": [
               {
                "$ref": "#/components/schemas/Metadata"
               },
               {
                "type": "null"
               }
              ]
             }
            }
           }
          }
         }
        },
        "responses": {
         "200": {
          "$ref": "#/components/responses/UpsertedOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       },
       "delete": {
        "operationId": "shortDelete",
        "summary": "Seed route: delete one vector of the default collection.",
        "responses": {
         "200": {
          "$ref": "#/components/responses/DeletedOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/personas": {
       "post": {
        "operationId": "createPersona",
        "summary": "Create a persona. Also served under /v1. With auth on, this route needs the write permission.",
        "requestBody": {
         "$ref": "#/components/requestBodies/CreatePersona"
        },
        "responses": {
         "201": {
          "$ref": "#/components/responses/PersonaCreated"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       },
       "get": {
        "operationId": "listPersonas",
        "summary": "Every persona, oldest first. Also served under /v1.",
        "responses": {
         "200": {
          "$ref": "#/components/responses/PersonaListOK"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/personas/{id}": {
       "parameters": [
        {
         "name": "id",
         "in": "path",
         "required": true,
         "description": "The persona's id.",
         "schema": {
          "type": "string",
          "minLength": 1
         }
        }
       ],
       "get": {
        "operationId": "getPersona",
        "summary": "One persona. Also served under /v1.",
        "responses": {
         "200": {
          "$ref": "#/components/responses/PersonaCreated"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       },
       "put": {
        "operationId": "updatePersona",
        "summary": "Update a persona: fields given replace the stored ones, fields left out are kept; lowering max_memory_size trims the oldest memories at once. Also served under /v1. With auth on, this route needs the write permission.",
        "requestBody": {
         "$ref": "#/components/requestBodies/UpdatePersona"
        },
        "responses": {
         "200": {
          "$ref": "#/components/responses/PersonaOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       },
       "delete": {
        "operationId": "deletePersona",
        "summary": "Delete a persona and all its memories. Also served under /v1. With auth on, this route needs the write permission.",
        "responses": {
         "200": {
          "$ref": "#/components/responses/DeletedItemOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/personas/{id}/memories": {
       "parameters": [
        {
         "name": "id",
         "in": "path",
         "required": true,
         "description": "The persona's id.",
         "schema": {
          "type": "string",
          "minLength": 1
         }
        }
       ],
       "post": {
        "operationId": "addMemory",
        "summary": "Add a memory; the oldest memories over max_memory_size are removed in the same transaction. Also served under /v1. With auth on, this route needs the write permission.",
        "requestBody": {
         "$ref": "#/components/requestBodies/CreateMemory"
        },
        "responses": {
         "201": {
          "$ref": "#/components/responses/MemoryCreated"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       },
       "get": {
        "operationId": "listMemories",
        "summary": "A page of memories, newest first. Also served under /v1.",
        "parameters": [
         {
          "$ref": "#/components/parameters/LimitQuery2"
         },
         {
          "$ref": "#/components/parameters/CursorQuery"
         }
        ],
        "responses": {
         "200": {
          "$ref": "#/components/responses/MemoryPageOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/personas/{id}/memories/search": {
       "parameters": [
        {
         "name": "id",
         "in": "path",
         "required": true,
         "description": "The persona's id.",
         "schema": {
          "type": "string",
          "minLength": 1
         }
        }
       ],
       "post": {
        "operationId": "searchMemories",
        "summary": "Memories most similar to a vector by cosine similarity, best first. Also served under /v1.",
        "requestBody": {
         "$ref": "#/components/requestBodies/MemorySearch"
        },
        "responses": {
         "200": {
          "$ref": "#/components/responses/MemorySearchResultOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       },
       "get": {
        "operationId": "searchMemoriesGet",
        "summary": "Search by text query: needs an embedding provider, so without one the answer is 400 (use POST with a vector). Also served under /v1.",
        "parameters": [
         {
          "$ref": "#/components/parameters/QueryQuery"
         },
         {
          "$ref": "#/components/parameters/LimitQuery"
         },
         {
          "$ref": "#/components/parameters/ThresholdQuery"
         }
        ],
        "responses": {
         "200": {
          "$ref": "#/components/responses/MemorySearchResultOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/personas/{id}/memories/{mid}": {
       "parameters": [
        {
         "name": "id",
         "in": "path",
         "required": true,
         "description": "The persona's id.",
         "schema": {
          "type": "string",
          "minLength": 1
         }
        },
        {
         "name": "mid",
         "in": "path",
         "required": true,
         "description": "The memory's id.",
         "schema": {
          "type": "string",
          "minLength": 1
         }
        }
       ],
       "delete": {
        "operationId": "deleteMemory",
        "summary": "Delete one memory. Also served under /v1. With auth on, this route needs the write permission.",
        "responses": {
         "200": {
          "$ref": "#/components/responses/DeletedItemOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/v1/personas": {
       "post": {
        "operationId": "createPersonaV1",
        "summary": "Create a persona. The same handler as the short path without /v1. With auth on, this route needs the write permission.",
        "requestBody": {
         "$ref": "#/components/requestBodies/CreatePersona"
        },
        "responses": {
         "201": {
          "$ref": "#/components/responses/PersonaCreated"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       },
       "get": {
        "operationId": "listPersonasV1",
        "summary": "Every persona, oldest first. The same handler as the short path without /v1.",
        "responses": {
         "200": {
          "$ref": "#/components/responses/PersonaListOK"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/v1/personas/{id}": {
       "parameters": [
        {
         "name": "id",
         "in": "path",
         "required": true,
         "description": "The persona's id.",
         "schema": {
          "type": "string",
          "minLength": 1
         }
        }
       ],
       "get": {
        "operationId": "getPersonaV1",
        "summary": "One persona. The same handler as the short path without /v1.",
        "responses": {
         "200": {
          "$ref": "#/components/responses/PersonaCreated"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       },
       "put": {
        "operationId": "updatePersonaV1",
        "summary": "Update a persona: fields given replace the stored ones, fields left out are kept; lowering max_memory_size trims the oldest memories at once. The same handler as the short path without /v1. With auth on, this route needs the write permission.",
        "requestBody": {
         "$ref": "#/components/requestBodies/UpdatePersona"
        },
        "responses": {
         "200": {
          "$ref": "#/components/responses/PersonaOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       },
       "delete": {
        "operationId": "deletePersonaV1",
        "summary": "Delete a persona and all its memories. The same handler as the short path without /v1. With auth on, this route needs the write permission.",
        "responses": {
         "200": {
          "$ref": "#/components/responses/DeletedItemOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/v1/personas/{id}/memories": {
       "parameters": [
        {
         "name": "id",
         "in": "path",
         "required": true,
         "description": "The persona's id.",
         "schema": {
          "type": "string",
          "minLength": 1
         }
        }
       ],
       "post": {
        "operationId": "addMemoryV1",
        "summary": "Add a memory; the oldest memories over max_memory_size are removed in the same transaction. The same handler as the short path without /v1. With auth on, this route needs the write permission.",
        "requestBody": {
         "$ref": "#/components/requestBodies/CreateMemory"
        },
        "responses": {
         "201": {
          "$ref": "#/components/responses/MemoryCreated"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       },
       "get": {
        "operationId": "listMemoriesV1",
        "summary": "A page of memories, newest first. The same handler as the short path without /v1.",
        "parameters": [
         {
          "$ref": "#/components/parameters/LimitQuery2"
         },
         {
          "$ref": "#/components/parameters/CursorQuery"
         }
        ],
        "responses": {
         "200": {
          "$ref": "#/components/responses/MemoryPageOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/v1/personas/{id}/memories/search": {
       "parameters": [
        {
         "name": "id",
         "in": "path",
         "required": true,
         "description": "The persona's id.",
         "schema": {
          "type": "string",
          "minLength": 1
         }
        }
       ],
       "post": {
        "operationId": "searchMemoriesV1",
        "summary": "Memories most similar to a vector by cosine similarity, best first. The same handler as the short path without /v1.",
        "requestBody": {
         "$ref": "#/components/requestBodies/MemorySearch"
        },
        "responses": {
         "200": {
          "$ref": "#/components/responses/MemorySearchResultOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       },
       "get": {
        "operationId": "searchMemoriesGetV1",
        "summary": "Search by text query: needs an embedding provider, so without one the answer is 400 (use POST with a vector). The same handler as the short path without /v1.",
        "parameters": [
         {
          "$ref": "#/components/parameters/QueryQuery"
         },
         {
          "$ref": "#/components/parameters/LimitQuery"
         },
         {
          "$ref": "#/components/parameters/ThresholdQuery"
         }
        ],
        "responses": {
         "200": {
          "$ref": "#/components/responses/MemorySearchResultOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/v1/personas/{id}/memories/{mid}": {
       "parameters": [
        {
         "name": "id",
         "in": "path",
         "required": true,
         "description": "The persona's id.",
         "schema": {
          "type": "string",
          "minLength": 1
         }
        },
        {
         "name": "mid",
         "in": "path",
         "required": true,
         "description": "The memory's id.",
         "schema": {
          "type": "string",
          "minLength": 1
         }
        }
       ],
       "delete": {
        "operationId": "deleteMemoryV1",
        "summary": "Delete one memory. The same handler as the short path without /v1. With auth on, this route needs the write permission.",
        "responses": {
         "200": {
          "$ref": "#/components/responses/DeletedItemOK"
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/v1/snapshots": {
       "post": {
        "operationId": "createSnapshot",
        "summary": "Take a consistent point-in-time snapshot of every collection while writes go on (admin once API keys exist).",
        "responses": {
         "201": {
          "description": "The snapshot, kept in the server's data directory.",
          "headers": {
           "X-Request-Id": {
            "$ref": "#/components/headers/RequestId"
           }
          },
          "content": {
           "application/json": {
            "schema": {
             "type": "object",
             "required": [
              "status",
              "data",
              "meta"
             ],
             "properties": {
              "status": {
               "const": "success"
              },
              "data": {
               "$ref": "#/components/schemas/Snapshot"
              },
              "meta": {
               "type": "object",
               "properties": {
                "timestamp": {
                 "type": "integer"
                },
                "count": {
                 "type": "integer"
                }
               },
               "required": [
                "timestamp"
               ]
              }
             }
            }
           }
          }
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       },
       "get": {
        "operationId": "listSnapshots",
        "summary": "The snapshots the server keeps, oldest first (admin once API keys exist).",
        "responses": {
         "200": {
          "description": "The snapshots.",
          "headers": {
           "X-Request-Id": {
            "$ref": "#/components/headers/RequestId"
           }
          },
          "content": {
           "application/json": {
            "schema": {
             "type": "object",
             "required": [
              "status",
              "data",
              "meta"
             ],
             "properties": {
              "status": {
               "const": "success"
              },
              "data": {
               "type": "array",
               "items": {
                "$ref": "#/components/schemas/SnapshotListItem"
               }
              },
              "meta": {
               "type": "object",
               "properties": {
                "timestamp": {
                 "type": "integer"
                },
                "count": {
                 "type": "integer"
                }
               },
               "required": [
                "timestamp"
               ]
              }
             }
            }
           }
          }
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/v1/snapshots/{name}": {
       "parameters": [
        {
         "name": "name",
         "in": "path",
         "required": true,
         "description": "Snapshot name as POST /v1/snapshots returned it.",
         "schema": {
          "type": "string",
          "pattern": "^[A-Za-z0-9._-]{1,128}$"
         }
        }
       ],
       "get": {
        "operationId": "downloadSnapshot",
        "summary": "Download the snapshot file (restore it with `vectorlogic snapshot restore`).",
        "responses": {
         "200": {
          "description": "The snapshot file.",
          "headers": {
           "X-Request-Id": {
            "$ref": "#/components/headers/RequestId"
           }
          },
          "content": {
           "application/octet-stream": {
            "schema": {
             "type": "string",
             "format": "binary"
            }
           }
          }
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       },
       "delete": {
        "operationId": "deleteSnapshot",
        "summary": "Delete a snapshot file.",
        "responses": {
         "200": {
          "description": "Deleted.",
          "headers": {
           "X-Request-Id": {
            "$ref": "#/components/headers/RequestId"
           }
          },
          "content": {
           "application/json": {
            "schema": {
             "type": "object",
             "required": [
              "status",
              "data",
              "meta"
             ],
             "properties": {
              "status": {
               "const": "success"
              },
              "data": {
               "type": "object",
               "required": [
                "name",
                "deleted"
               ],
               "properties": {
                "name": {
                 "type": "string"
                },
                "deleted": {
                 "type": "boolean"
                }
               }
              },
              "meta": {
               "type": "object",
               "properties": {
                "timestamp": {
                 "type": "integer"
                },
                "count": {
                 "type": "integer"
                }
               },
               "required": [
                "timestamp"
               ]
              }
             }
            }
           }
          }
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/v1/keys": {
       "post": {
        "operationId": "createKey",
        "summary": "Make an API key (admin). The secret is in this answer only.",
        "requestBody": {
         "required": true,
         "content": {
          "application/json": {
           "schema": {
            "$ref": "#/components/schemas/CreateKey"
           }
          }
         }
        },
        "responses": {
         "201": {
          "description": "Created.",
          "headers": {
           "X-Request-Id": {
            "$ref": "#/components/headers/RequestId"
           }
          },
          "content": {
           "application/json": {
            "schema": {
             "type": "object",
             "required": [
              "status",
              "data",
              "meta"
             ],
             "properties": {
              "status": {
               "const": "success"
              },
              "data": {
               "$ref": "#/components/schemas/APIKeyWithSecret"
              },
              "meta": {
               "$ref": "#/components/schemas/Meta"
              }
             }
            }
           }
          }
         },
         "400": {
          "$ref": "#/components/responses/BadRequest"
         },
         "413": {
          "$ref": "#/components/responses/PayloadTooLarge"
         },
         "415": {
          "$ref": "#/components/responses/UnsupportedMediaType"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       },
       "get": {
        "operationId": "listKeys",
        "summary": "Key records without secrets (admin).",
        "responses": {
         "200": {
          "description": "Keys.",
          "headers": {
           "X-Request-Id": {
            "$ref": "#/components/headers/RequestId"
           }
          },
          "content": {
           "application/json": {
            "schema": {
             "type": "object",
             "required": [
              "status",
              "data",
              "meta"
             ],
             "properties": {
              "status": {
               "const": "success"
              },
              "data": {
               "type": "array",
               "items": {
                "$ref": "#/components/schemas/APIKey"
               }
              },
              "meta": {
               "type": "object",
               "properties": {
                "timestamp": {
                 "type": "integer"
                },
                "count": {
                 "type": "integer"
                }
               },
               "required": [
                "timestamp",
                "count"
               ]
              }
             }
            }
           }
          }
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/v1/keys/{id}/rotate": {
       "post": {
        "operationId": "rotateKey",
        "summary": "A new secret for the same record; the old one stops working (admin).",
        "parameters": [
         {
          "$ref": "#/components/parameters/IdPath"
         }
        ],
        "responses": {
         "200": {
          "description": "Rotated.",
          "headers": {
           "X-Request-Id": {
            "$ref": "#/components/headers/RequestId"
           }
          },
          "content": {
           "application/json": {
            "schema": {
             "type": "object",
             "required": [
              "status",
              "data",
              "meta"
             ],
             "properties": {
              "status": {
               "const": "success"
              },
              "data": {
               "$ref": "#/components/schemas/APIKeyWithSecret"
              },
              "meta": {
               "$ref": "#/components/schemas/Meta"
              }
             }
            }
           }
          }
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      },
      "/v1/keys/{id}": {
       "delete": {
        "operationId": "revokeKey",
        "summary": "Revoke a key at once (admin).",
        "parameters": [
         {
          "$ref": "#/components/parameters/IdPath"
         }
        ],
        "responses": {
         "200": {
          "description": "Revoked.",
          "headers": {
           "X-Request-Id": {
            "$ref": "#/components/headers/RequestId"
           }
          },
          "content": {
           "application/json": {
            "schema": {
             "type": "object",
             "required": [
              "status",
              "data",
              "meta"
             ],
             "properties": {
              "status": {
               "const": "success"
              },
              "data": {
               "$ref": "#/components/schemas/APIKey"
              },
              "meta": {
               "$ref": "#/components/schemas/Meta"
              }
             }
            }
           }
          }
         },
         "404": {
          "$ref": "#/components/responses/NotFound"
         },
         "503": {
          "$ref": "#/components/responses/Unavailable"
         }
        }
       }
      }
     },
     "components": {
      "schemas": {
       "Error": {
        "type": "object",
        "required": [
         "status",
         "error",
         "message",
         "details"
        ],
        "properties": {
         "status": {
          "const": "error"
         },
         "error": {
          "type": "string",
          "enum": [
           "invalid_request",
           "dimension_mismatch",
           "invalid_filter",
           "not_found",
           "conflict",
           "payload_too_large",
           "unsupported_media_type",
           "unavailable",
           "internal",
           "method_not_allowed"
          ]
         },
         "message": {
          "type": "string"
         },
         "details": {}
        }
       },
       "Metric": {
        "type": "string",
        "enum": [
         "cosine",
         "dot",
         "euclidean"
        ]
       },
       "IndexConfig": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
         "type": {
          "type": "string",
          "enum": [
           "hnsw",
           "flat"
          ]
         },
         "m": {
          "type": "integer",
          "minimum": 2,
          "maximum": 128
         },
         "ef_construction": {
          "type": "integer",
          "minimum": 1,
          "maximum": 4096
         },
         "ef_search": {
          "type": "integer",
          "minimum": 1,
          "maximum": 4096
         }
        }
       },
       "IndexInfo": {
        "type": "object",
        "required": [
         "type",
         "m",
         "ef_construction",
         "ef_search"
        ],
        "properties": {
         "type": {
          "type": "string",
          "enum": [
           "hnsw",
           "flat"
          ]
         },
         "m": {
          "type": "integer"
         },
         "ef_construction": {
          "type": "integer"
         },
         "ef_search": {
          "type": "integer"
         }
        }
       },
       "CreateCollection": {
        "type": "object",
        "additionalProperties": false,
        "required": [
         "name",
         "dimension"
        ],
        "properties": {
         "name": {
          "type": "string",
          "pattern": "^[A-Za-z0-9_-]{1,64}$"
         },
         "dimension": {
          "type": "integer",
          "minimum": 1,
          "maximum": 20000
         },
         "metric": {
          "$ref": "#/components/schemas/Metric"
         },
         "index": {
          "$ref": "#/components/schemas/IndexConfig"
         }
        }
       },
       "Collection": {
        "type": "object",
        "required": [
         "name",
         "dimension",
         "metric",
         "index",
         "vectors",
         "deleted",
         "segments",
         "memtable_vectors",
         "disk_bytes",
         "created_at"
        ],
        "properties": {
         "name": {
          "type": "string"
         },
         "dimension": {
          "type": "integer"
         },
         "metric": {
          "$ref": "#/components/schemas/Metric"
         },
         "index": {
          "$ref": "#/components/schemas/IndexInfo"
         },
         "vectors": {
          "type": "integer"
         },
         "deleted": {
          "type": "integer"
         },
         "segments": {
          "type": "integer"
         },
         "memtable_vectors": {
          "type": "integer"
         },
         "disk_bytes": {
          "type": "integer"
         },
         "created_at": {
          "type": "integer",
          "description": "Milliseconds since the Unix epoch."
         }
        }
       },
       "Metadata": {
        "type": "object",
        "maxProperties": 100,
        "description": "Any JSON object, at most 100 keys and 64 KiB serialised."
       },
       "VectorInput": {
        "type": "object",
        "additionalProperties": false,
        "required": [
         "values"
        ],
        "properties": {
         "id": {
          "type": "string",
          "pattern": "^[A-Za-z0-9_-]{1,128}$",
          "description": "Omitted: the server makes a UUIDv4."
         },
         "values": {
          "type": "array",
          "items": {
           "type": "number"
          }
         },
         "metadata": {
          "oneOf": [
           {
            "$ref": "#/components/schemas/Metadata"
           },
           {
            "type": "null"
           }
          ]
         }
        }
       },
       "Upsert": {
        "type": "object",
        "additionalProperties": false,
        "required": [
         "vectors"
        ],
        "properties": {
         "vectors": {
          "type": "array",
          "minItems": 1,
          "maxItems": 10000,
          "items": {
           "$ref": "#/components/schemas/VectorInput"
          }
         }
        }
       },
       "PutVector": {
        "type": "object",
        "additionalProperties": false,
        "required": [
         "values"
        ],
        "properties": {
         "id": {
          "type": "string"
         },
         "values": {
          "type": "array",
          "items": {
           "type": "number"
          }
         },
         "metadata": {
          "oneOf": [
           {
            "$ref": "#/components/schemas/Metadata"
           },
           {
            "type": "null"
           }
          ]
         }
        }
       },
       "PatchVector": {
        "type": "object",
        "additionalProperties": false,
        "required": [
         "metadata"
        ],
        "properties": {
         "metadata": {
          "$ref": "#/components/schemas/Metadata"
         }
        }
       },
       "Filter": {
        "type": "object",
        "description": "Mongo-style metadata filter: equality, $eq $ne $gt $gte $lt $lte $in $nin $exists, $and $or $not."
       },
       "Search": {
        "type": "object",
        "additionalProperties": false,
        "required": [
         "vector"
        ],
        "properties": {
         "vector": {
          "type": "array",
          "items": {
           "type": "number"
          }
         },
         "k": {
          "type": "integer",
          "minimum": 1,
          "maximum": 1000,
          "default": 10
         },
         "ef": {
          "type": [
           "integer",
           "null"
          ],
          "minimum": 1,
          "maximum": 4096
         },
         "threshold": {
          "type": [
           "number",
           "null"
          ]
         },
         "filter": {
          "oneOf": [
           {
            "$ref": "#/components/schemas/Filter"
           },
           {
            "type": "null"
           }
          ]
         },
         "include_metadata": {
          "type": "boolean",
          "default": true
         },
         "include_values": {
          "type": "boolean",
          "default": false
         }
        }
       },
       "Scroll": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
         "filter": {
          "oneOf": [
           {
            "$ref": "#/components/schemas/Filter"
           },
           {
            "type": "null"
           }
          ]
         },
         "limit": {
          "type": "integer",
          "minimum": 1,
          "maximum": 10000,
          "default": 100
         },
         "cursor": {
          "type": [
           "string",
           "null"
          ]
         },
         "include_values": {
          "type": "boolean"
         }
        }
       },
       "Count": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
         "filter": {
          "oneOf": [
           {
            "$ref": "#/components/schemas/Filter"
           },
           {
            "type": "null"
           }
          ]
         }
        }
       },
       "DeleteVectors": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
         "ids": {
          "type": "array",
          "items": {
           "type": "string"
          }
         },
         "filter": {
          "$ref": "#/components/schemas/Filter"
         }
        },
        "description": "Exactly one of ids or filter."
       },
       "Vector": {
        "type": "object",
        "required": [
         "id",
         "metadata"
        ],
        "properties": {
         "id": {
          "type": "string"
         },
         "metadata": {
          "type": [
           "object",
           "null"
          ]
         },
         "values": {
          "type": "array",
          "items": {
           "type": "number"
          }
         }
        }
       },
       "Match": {
        "type": "object",
        "required": [
         "id",
         "score"
        ],
        "properties": {
         "id": {
          "type": "string"
         },
         "score": {
          "type": "number"
         },
         "metadata": {
          "type": [
           "object",
           "null"
          ]
         },
         "values": {
          "type": "array",
          "items": {
           "type": "number"
          }
         }
        }
       },
       "SearchResult": {
        "type": "object",
        "required": [
         "matches",
         "query_time_ms"
        ],
        "properties": {
         "matches": {
          "type": "array",
          "items": {
           "$ref": "#/components/schemas/Match"
          }
         },
         "query_time_ms": {
          "type": "number"
         }
        }
       },
       "Upserted": {
        "type": "object",
        "required": [
         "upserted",
         "ids"
        ],
        "properties": {
         "upserted": {
          "type": "integer"
         },
         "ids": {
          "type": "array",
          "items": {
           "type": "string"
          }
         }
        }
       },
       "Deleted": {
        "type": "object",
        "required": [
         "deleted"
        ],
        "properties": {
         "deleted": {
          "type": "integer"
         }
        }
       },
       "Stats": {
        "type": "object",
        "required": [
         "collections",
         "vectors",
         "deleted",
         "segments",
         "memtable_vectors",
         "disk_bytes",
         "mapped_bytes",
         "resident_bytes",
         "wal_bytes",
         "fsyncs",
         "flushes",
         "compactions",
         "writable",
         "uptime_ms"
        ],
        "properties": {
         "collections": {
          "type": "integer"
         },
         "vectors": {
          "type": "integer"
         },
         "deleted": {
          "type": "integer"
         },
         "segments": {
          "type": "integer"
         },
         "memtable_vectors": {
          "type": "integer"
         },
         "unindexed_vectors": {
          "type": "integer"
         },
         "disk_bytes": {
          "type": "integer"
         },
         "mapped_bytes": {
          "type": "integer"
         },
         "wal_bytes": {
          "type": "integer"
         },
         "fsyncs": {
          "type": "integer"
         },
         "flushes": {
          "type": "integer"
         },
         "compactions": {
          "type": "integer"
         },
         "uptime_ms": {
          "type": "integer"
         },
         "resident_bytes": {
          "type": [
           "integer",
           "null"
          ]
         },
         "writable": {
          "type": "boolean"
         }
        }
       },
       "ShortUpsert": {
        "type": "object",
        "properties": {
         "id": {
          "type": "string",
          "pattern": "^[A-Za-z0-9_-]{1,128}$"
         },
         "vector": {
          "type": "array",
          "items": {
           "type": "number"
          }
         },
         "metadata": {
          "oneOf": [
           {
            "$ref": "#/components/schemas/Metadata"
           },
           {
            "type": "null"
           }
          ]
         },
         "vectors": {
          "type": "array",
          "minItems": 1,
          "maxItems": 10000,
          "items": {
           "type": "object",
           "required": [
            "vector"
           ],
           "properties": {
            "id": {
             "type": "string",
             "pattern": "^[A-Za-z0-9_-]{1,128}$"
            },
            "vector": {
             "type": "array",
             "items": {
              "type": "number"
             }
            },
            "metadata": {
             "oneOf": [
              {
               "$ref": "#/components/schemas/Metadata"
              },
              {
               "type": "null"
              }
             ]
            }
           }
          }
         }
        },
        "description": "One vector {id, vector, metadata} or {vectors:[…]}; `values` is accepted for `vector`."
       },
       "ShortSearch": {
        "type": "object",
        "properties": {
         "vector": {
          "type": "array",
          "items": {
           "type": "number"
          }
         },
         "query": {
          "type": "string",
          "description": "Text: needs an embedding provider; without one the answer is 400."
         },
         "limit": {
          "type": "integer",
          "minimum": 1,
          "maximum": 1000
         },
         "threshold": {
          "type": [
           "number",
           "null"
          ]
         },
         "filters": {
          "oneOf": [
           {
            "$ref": "#/components/schemas/Filter"
           },
           {
            "type": "null"
           }
          ]
         },
         "include_values": {
          "type": "boolean"
         },
         "include_metadata": {
          "type": "boolean"
         }
        }
       },
       "CreatePersona": {
        "description": "A new persona. Unknown fields are ignored.",
        "allOf": [
         {
          "$ref": "#/components/schemas/PersonaSettings"
         },
         {
          "type": "object",
          "required": [
           "name"
          ]
         }
        ]
       },
       "UpdatePersona": {
        "description": "Merge update: every field given replaces the stored one, every field left out keeps its value. Lowering max_memory_size removes the oldest memories over it at once. Unknown fields are ignored.",
        "allOf": [
         {
          "$ref": "#/components/schemas/PersonaSettings"
         }
        ]
       },
       "Persona": {
        "type": "object",
        "required": [
         "id",
         "name",
         "system_prompt",
         "max_memory_size",
         "memory_decay_ms",
         "temperature",
         "max_tokens",
         "is_active",
         "created_at",
         "updated_at",
         "memory_count"
        ],
        "properties": {
         "id": {
          "type": "string",
          "description": "Server-made UUIDv4."
         },
         "name": {
          "type": "string",
          "minLength": 1,
          "maxLength": 256
         },
         "system_prompt": {
          "type": "string",
          "maxLength": 65536
         },
         "max_memory_size": {
          "type": "integer",
          "minimum": 1,
          "maximum": 100000
         },
         "memory_decay_ms": {
          "type": "integer",
          "minimum": 0,
          "maximum": 3153600000000
         },
         "temperature": {
          "type": "number",
          "minimum": 0,
          "maximum": 2
         },
         "max_tokens": {
          "type": "integer",
          "minimum": 1,
          "maximum": 1000000
         },
         "is_active": {
          "type": "boolean"
         },
         "created_at": {
          "type": "integer",
          "description": "Milliseconds since the Unix epoch."
         },
         "updated_at": {
          "type": "integer",
          "description": "Milliseconds since the Unix epoch."
         },
         "memory_count": {
          "type": "integer",
          "minimum": 0
         }
        }
       },
       "CreateMemory": {
        "type": "object",
        "required": [
         "content"
        ],
        "description": "Unknown fields are ignored.",
        "properties": {
         "content": {
          "type": "string",
          "minLength": 1,
          "maxLength": 65536,
          "description": "1 byte to 64 KiB of UTF-8."
         },
         "context": {
          "type": [
           "object",
           "null"
          ],
          "description": "A JSON object of at most 64 KiB serialised, e.g. {\"type\":\"conversation\"}; default {}."
         },
         "vector": {
          "anyOf": [
           {
            "type": "array",
            "minItems": 1,
            "maxItems": 20000,
            "items": {
             "type": "number"
            },
            "description": "Finite numbers; all of one persona's memory vectors have the length of the first (else 400 dimension_mismatch)."
           },
           {
            "type": "null"
           }
          ]
         }
        }
       },
       "Memory": {
        "type": "object",
        "required": [
         "id",
         "persona_id",
         "content",
         "context",
         "timestamp",
         "dimension"
        ],
        "properties": {
         "id": {
          "type": "string"
         },
         "persona_id": {
          "type": "string"
         },
         "content": {
          "type": "string"
         },
         "context": {
          "type": "object"
         },
         "timestamp": {
          "type": "integer",
          "description": "When it was added, milliseconds since the Unix epoch."
         },
         "dimension": {
          "type": [
           "integer",
           "null"
          ],
          "description": "The vector's length; null for a memory without a vector."
         }
        }
       },
       "MemoryPage": {
        "type": "object",
        "required": [
         "memories",
         "next_cursor"
        ],
        "properties": {
         "memories": {
          "type": "array",
          "items": {
           "$ref": "#/components/schemas/Memory"
          }
         },
         "next_cursor": {
          "type": [
           "string",
           "null"
          ],
          "description": "Pass as cursor for the next page; null on the last page."
         }
        }
       },
       "MemorySearch": {
        "type": "object",
        "description": "Give vector; a text query needs an embedding provider, and without one the answer is 400. Unknown fields are ignored.",
        "properties": {
         "vector": {
          "anyOf": [
           {
            "type": "array",
            "minItems": 1,
            "maxItems": 20000,
            "items": {
             "type": "number"
            },
            "description": "Finite numbers; all of one persona's memory vectors have the length of the first (else 400 dimension_mismatch)."
           },
           {
            "type": "null"
           }
          ]
         },
         "query": {
          "type": [
           "string",
           "null"
          ],
          "description": "Text: needs an embedding provider; without one the answer is 400."
         },
         "limit": {
          "type": "integer",
          "minimum": 1,
          "maximum": 1000,
          "description": "Default 5."
         },
         "threshold": {
          "type": "number",
          "description": "Keeps matches with cosine similarity >= threshold. Default 0.7."
         }
        }
       },
       "MemoryMatch": {
        "type": "object",
        "required": [
         "id",
         "content",
         "context",
         "timestamp",
         "score"
        ],
        "properties": {
         "id": {
          "type": "string"
         },
         "content": {
          "type": "string"
         },
         "context": {
          "type": "object"
         },
         "timestamp": {
          "type": "integer"
         },
         "score": {
          "type": "number",
          "description": "Cosine similarity, -1 to 1."
         }
        }
       },
       "MemorySearchResult": {
        "type": "object",
        "required": [
         "matches",
         "query_time_ms"
        ],
        "properties": {
         "matches": {
          "type": "array",
          "items": {
           "$ref": "#/components/schemas/MemoryMatch"
          }
         },
         "query_time_ms": {
          "type": "number"
         }
        }
       },
       "DeletedItem": {
        "type": "object",
        "required": [
         "id",
         "deleted"
        ],
        "properties": {
         "id": {
          "type": "string"
         },
         "deleted": {
          "const": true
         }
        }
       },
       "Snapshot": {
        "type": "object",
        "required": [
         "name",
         "bytes",
         "sha256",
         "created_at"
        ],
        "properties": {
         "name": {
          "type": "string"
         },
         "bytes": {
          "type": "integer",
          "minimum": 0
         },
         "sha256": {
          "type": "string",
          "pattern": "^[0-9a-f]{64}$"
         },
         "created_at": {
          "type": "integer",
          "description": "Milliseconds since the Unix epoch."
         }
        }
       },
       "SnapshotListItem": {
        "type": "object",
        "required": [
         "name",
         "bytes",
         "created_at"
        ],
        "properties": {
         "name": {
          "type": "string"
         },
         "bytes": {
          "type": "integer",
          "minimum": 0
         },
         "created_at": {
          "type": [
           "integer",
           "null"
          ]
         }
        }
       },
       "CreateKey": {
        "type": "object",
        "required": [
         "name"
        ],
        "properties": {
         "name": {
          "type": "string",
          "minLength": 1,
          "maxLength": 256
         },
         "permissions": {
          "type": "array",
          "minItems": 1,
          "items": {
           "enum": [
            "read",
            "write",
            "admin"
           ]
          }
         },
         "rate_limit_per_minute": {
          "type": "integer",
          "minimum": 1,
          "maximum": 10000000
         },
         "expires_in_days": {
          "type": [
           "integer",
           "null"
          ],
          "minimum": 1,
          "maximum": 36500
         }
        },
        "additionalProperties": false
       },
       "APIKey": {
        "type": "object",
        "required": [
         "id",
         "name",
         "prefix",
         "permissions",
         "rate_limit_per_minute",
         "created_at",
         "expires_at",
         "last_used",
         "active"
        ],
        "properties": {
         "id": {
          "type": "string"
         },
         "name": {
          "type": "string"
         },
         "prefix": {
          "type": "string"
         },
         "permissions": {
          "type": "array",
          "items": {
           "enum": [
            "read",
            "write",
            "admin"
           ]
          }
         },
         "rate_limit_per_minute": {
          "type": "integer"
         },
         "created_at": {
          "type": "integer"
         },
         "expires_at": {
          "type": [
           "integer",
           "null"
          ]
         },
         "last_used": {
          "type": [
           "integer",
           "null"
          ]
         },
         "active": {
          "type": "boolean"
         }
        }
       },
       "APIKeyWithSecret": {
        "allOf": [
         {
          "$ref": "#/components/schemas/APIKey"
         },
         {
          "type": "object",
          "required": [
           "key"
          ],
          "properties": {
           "key": {
            "type": "string",
            "description": "The secret: shown in this answer only."
           }
          }
         }
        ]
       },
       "Meta": {
        "type": "object",
        "properties": {
         "timestamp": {
          "type": "integer"
         }
        },
        "required": [
         "timestamp"
        ],
        "description": "Every success answer's meta: the server's time (ms since the Unix epoch), plus route-specific figures."
       },
       "PersonaSettings": {
        "type": "object",
        "description": "The fields a client sets on a persona (all optional here).",
        "properties": {
         "name": {
          "type": "string",
          "minLength": 1,
          "maxLength": 256,
          "description": "1 to 256 Unicode scalars."
         },
         "system_prompt": {
          "type": "string",
          "maxLength": 65536,
          "description": "At most 64 KiB of UTF-8; default empty."
         },
         "max_memory_size": {
          "type": "integer",
          "minimum": 1,
          "maximum": 100000,
          "description": "Most memories kept; the oldest go first. Default 1000."
         },
         "memory_decay_ms": {
          "type": "integer",
          "minimum": 0,
          "maximum": 3153600000000,
          "description": "Memories older than this are removed by the background decay job; 0 means never. Default 604800000 (7 days)."
         },
         "temperature": {
          "type": "number",
          "minimum": 0,
          "maximum": 2,
          "description": "Default 0.7."
         },
         "max_tokens": {
          "type": "integer",
          "minimum": 1,
          "maximum": 1000000,
          "description": "Default 2048."
         },
         "is_active": {
          "type": "boolean",
          "description": "Default true."
         }
        }
       }
      },
      "responses": {
       "BadRequest": {
        "description": "Invalid input: invalid_request, dimension_mismatch or invalid_filter.",
        "headers": {
         "X-Request-Id": {
          "$ref": "#/components/headers/RequestId"
         }
        },
        "content": {
         "application/json": {
          "schema": {
           "$ref": "#/components/schemas/Error"
          }
         }
        }
       },
       "NotFound": {
        "description": "No such collection, vector or route.",
        "headers": {
         "X-Request-Id": {
          "$ref": "#/components/headers/RequestId"
         }
        },
        "content": {
         "application/json": {
          "schema": {
           "$ref": "#/components/schemas/Error"
          }
         }
        }
       },
       "Conflict": {
        "description": "The collection exists.",
        "headers": {
         "X-Request-Id": {
          "$ref": "#/components/headers/RequestId"
         }
        },
        "content": {
         "application/json": {
          "schema": {
           "$ref": "#/components/schemas/Error"
          }
         }
        }
       },
       "PayloadTooLarge": {
        "description": "The body is larger than the server accepts.",
        "headers": {
         "X-Request-Id": {
          "$ref": "#/components/headers/RequestId"
         }
        },
        "content": {
         "application/json": {
          "schema": {
           "$ref": "#/components/schemas/Error"
          }
         }
        }
       },
       "UnsupportedMediaType": {
        "description": "The body is not application/json.",
        "headers": {
         "X-Request-Id": {
          "$ref": "#/components/headers/RequestId"
         }
        },
        "content": {
         "application/json": {
          "schema": {
           "$ref": "#/components/schemas/Error"
          }
         }
        }
       },
       "Unavailable": {
        "description": "The database does not accept writes (read-only after an I/O error, disk full).",
        "headers": {
         "X-Request-Id": {
          "$ref": "#/components/headers/RequestId"
         }
        },
        "content": {
         "application/json": {
          "schema": {
           "$ref": "#/components/schemas/Error"
          }
         }
        }
       },
       "DeletedOK": {
        "description": "Deleted.",
        "headers": {
         "X-Request-Id": {
          "$ref": "#/components/headers/RequestId"
         }
        },
        "content": {
         "application/json": {
          "schema": {
           "type": "object",
           "required": [
            "status",
            "data",
            "meta"
           ],
           "properties": {
            "status": {
             "const": "success"
            },
            "data": {
             "$ref": "#/components/schemas/Deleted"
            },
            "meta": {
             "$ref": "#/components/schemas/Meta"
            }
           }
          }
         }
        }
       },
       "UpsertedOK": {
        "description": "Upserted.",
        "headers": {
         "X-Request-Id": {
          "$ref": "#/components/headers/RequestId"
         }
        },
        "content": {
         "application/json": {
          "schema": {
           "type": "object",
           "required": [
            "status",
            "data",
            "meta"
           ],
           "properties": {
            "status": {
             "const": "success"
            },
            "data": {
             "$ref": "#/components/schemas/Upserted"
            },
            "meta": {
             "$ref": "#/components/schemas/Meta"
            }
           }
          }
         }
        }
       },
       "SearchResultOK": {
        "description": "Matches.",
        "headers": {
         "X-Request-Id": {
          "$ref": "#/components/headers/RequestId"
         }
        },
        "content": {
         "application/json": {
          "schema": {
           "type": "object",
           "required": [
            "status",
            "data",
            "meta"
           ],
           "properties": {
            "status": {
             "const": "success"
            },
            "data": {
             "$ref": "#/components/schemas/SearchResult"
            },
            "meta": {
             "type": "object",
             "properties": {
              "timestamp": {
               "type": "integer"
              },
              "count": {
               "type": "integer"
              },
              "k": {
               "type": "integer"
              },
              "threshold": {
               "type": [
                "number",
                "null"
               ]
              }
             },
             "required": [
              "timestamp",
              "count",
              "k",
              "threshold"
             ]
            }
           }
          }
         }
        }
       },
       "PersonaCreated": {
        "description": "The persona.",
        "headers": {
         "X-Request-Id": {
          "$ref": "#/components/headers/RequestId"
         }
        },
        "content": {
         "application/json": {
          "schema": {
           "type": "object",
           "required": [
            "status",
            "data",
            "meta"
           ],
           "properties": {
            "status": {
             "const": "success"
            },
            "data": {
             "$ref": "#/components/schemas/Persona"
            },
            "meta": {
             "$ref": "#/components/schemas/Meta"
            }
           }
          }
         }
        }
       },
       "PersonaListOK": {
        "description": "The personas.",
        "headers": {
         "X-Request-Id": {
          "$ref": "#/components/headers/RequestId"
         }
        },
        "content": {
         "application/json": {
          "schema": {
           "type": "object",
           "required": [
            "status",
            "data",
            "meta"
           ],
           "properties": {
            "status": {
             "const": "success"
            },
            "data": {
             "type": "array",
             "items": {
              "$ref": "#/components/schemas/Persona"
             }
            },
            "meta": {
             "type": "object",
             "properties": {
              "timestamp": {
               "type": "integer"
              },
              "count": {
               "type": "integer"
              }
             },
             "required": [
              "timestamp",
              "count"
             ]
            }
           }
          }
         }
        }
       },
       "PersonaOK": {
        "description": "The updated persona.",
        "headers": {
         "X-Request-Id": {
          "$ref": "#/components/headers/RequestId"
         }
        },
        "content": {
         "application/json": {
          "schema": {
           "type": "object",
           "required": [
            "status",
            "data",
            "meta"
           ],
           "properties": {
            "status": {
             "const": "success"
            },
            "data": {
             "$ref": "#/components/schemas/Persona"
            },
            "meta": {
             "$ref": "#/components/schemas/Meta"
            }
           }
          }
         }
        }
       },
       "DeletedItemOK": {
        "description": "Deleted.",
        "headers": {
         "X-Request-Id": {
          "$ref": "#/components/headers/RequestId"
         }
        },
        "content": {
         "application/json": {
          "schema": {
           "type": "object",
           "required": [
            "status",
            "data",
            "meta"
           ],
           "properties": {
            "status": {
             "const": "success"
            },
            "data": {
             "$ref": "#/components/schemas/DeletedItem"
            },
            "meta": {
             "$ref": "#/components/schemas/Meta"
            }
           }
          }
         }
        }
       },
       "MemoryCreated": {
        "description": "The memory.",
        "headers": {
         "X-Request-Id": {
          "$ref": "#/components/headers/RequestId"
         }
        },
        "content": {
         "application/json": {
          "schema": {
           "type": "object",
           "required": [
            "status",
            "data",
            "meta"
           ],
           "properties": {
            "status": {
             "const": "success"
            },
            "data": {
             "$ref": "#/components/schemas/Memory"
            },
            "meta": {
             "$ref": "#/components/schemas/Meta"
            }
           }
          }
         }
        }
       },
       "MemoryPageOK": {
        "description": "A page.",
        "headers": {
         "X-Request-Id": {
          "$ref": "#/components/headers/RequestId"
         }
        },
        "content": {
         "application/json": {
          "schema": {
           "type": "object",
           "required": [
            "status",
            "data",
            "meta"
           ],
           "properties": {
            "status": {
             "const": "success"
            },
            "data": {
             "$ref": "#/components/schemas/MemoryPage"
            },
            "meta": {
             "type": "object",
             "properties": {
              "timestamp": {
               "type": "integer"
              },
              "count": {
               "type": "integer"
              }
             },
             "required": [
              "timestamp",
              "count"
             ]
            }
           }
          }
         }
        }
       },
       "MemorySearchResultOK": {
        "description": "Matches.",
        "headers": {
         "X-Request-Id": {
          "$ref": "#/components/headers/RequestId"
         }
        },
        "content": {
         "application/json": {
          "schema": {
           "type": "object",
           "required": [
            "status",
            "data",
            "meta"
           ],
           "properties": {
            "status": {
             "const": "success"
            },
            "data": {
             "$ref": "#/components/schemas/MemorySearchResult"
            },
            "meta": {
             "type": "object",
             "properties": {
              "timestamp": {
               "type": "integer"
              },
              "count": {
               "type": "integer"
              },
              "limit": {
               "type": "integer"
              },
              "threshold": {
               "type": "number"
              }
             },
             "required": [
              "timestamp",
              "count",
              "limit",
              "threshold"
             ]
            }
           }
          }
         }
        }
       }
      },
      "headers": {
       "RequestId": {
        "description": "The client's X-Request-Id, or one the server made.",
        "schema": {
         "type": "string"
        }
       }
      },
      "securitySchemes": {
       "apiKeyHeader": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key"
       },
       "bearer": {
        "type": "http",
        "scheme": "bearer"
       }
      },
      "parameters": {
       "QueryQuery": {
        "name": "query",
        "in": "query",
        "schema": {
         "type": "string"
        }
       },
       "LimitQuery": {
        "name": "limit",
        "in": "query",
        "schema": {
         "type": "integer",
         "minimum": 1,
         "maximum": 1000
        }
       },
       "ThresholdQuery": {
        "name": "threshold",
        "in": "query",
        "schema": {
         "type": "number"
        }
       },
       "LimitQuery2": {
        "name": "limit",
        "in": "query",
        "schema": {
         "type": "integer",
         "minimum": 1,
         "maximum": 1000
        },
        "description": "Page size, default 100."
       },
       "CursorQuery": {
        "name": "cursor",
        "in": "query",
        "schema": {
         "type": "string"
        },
        "description": "The next_cursor of the previous page (opaque)."
       },
       "IdPath": {
        "name": "id",
        "in": "path",
        "required": true,
        "schema": {
         "type": "string"
        }
       }
      },
      "requestBodies": {
       "DeleteVectors": {
        "required": true,
        "content": {
         "application/json": {
          "schema": {
           "$ref": "#/components/schemas/DeleteVectors"
          }
         }
        }
       },
       "ShortUpsert": {
        "required": true,
        "content": {
         "application/json": {
          "schema": {
           "$ref": "#/components/schemas/ShortUpsert"
          }
         }
        }
       },
       "CreatePersona": {
        "required": true,
        "content": {
         "application/json": {
          "schema": {
           "$ref": "#/components/schemas/CreatePersona"
          }
         }
        }
       },
       "UpdatePersona": {
        "required": true,
        "content": {
         "application/json": {
          "schema": {
           "$ref": "#/components/schemas/UpdatePersona"
          }
         }
        }
       },
       "CreateMemory": {
        "required": true,
        "content": {
         "application/json": {
          "schema": {
           "$ref": "#/components/schemas/CreateMemory"
          }
         }
        }
       },
       "MemorySearch": {
        "required": true,
        "content": {
         "application/json": {
          "schema": {
           "$ref": "#/components/schemas/MemorySearch"
          }
         }
        }
       }
      }
     }
    }
    """##
}
