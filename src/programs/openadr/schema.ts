/**
 * The parts of the OpenADR 3.1.0 specification wattshift reads and writes, copied verbatim
 * (as data) from `openadr3.yaml` (components.schemas), `enumerations/event-interval-payloads.schema.yaml`
 * and `enumerations/units.schema.yaml`. A test checks the copy against the specification files
 * when they are available.
 *
 * OpenADR 3 Specification © OpenADR Alliance, licensed under the Apache License, Version 2.0
 * (https://www.apache.org/licenses/LICENSE-2.0). Descriptions and examples are left out;
 * nothing else is changed.
 */

/** A JSON Schema (OpenAPI 3.0 dialect) node, as plain data. */
export type SchemaNode = { readonly [key: string]: unknown };

/** The OpenADR version these schemas come from. */
export const OPENADR_VERSION = '3.1.0';

/** components.schemas entries needed for events. */
export const OPENADR_SCHEMAS: Readonly<Record<string, SchemaNode>> = {
  "event": {
    "type": "object",
    "allOf": [
      {
        "$ref": "#/components/schemas/objectMetadata"
      },
      {
        "$ref": "#/components/schemas/eventRequest"
      }
    ]
  },
  "eventRequest": {
    "type": "object",
    "required": [
      "programID"
    ],
    "properties": {
      "programID": {
        "$ref": "#/components/schemas/objectID"
      },
      "eventName": {
        "type": "string",
        "nullable": true,
        "default": null
      },
      "duration": {
        "$ref": "#/components/schemas/duration"
      },
      "priority": {
        "type": "integer",
        "minimum": 0,
        "nullable": true,
        "default": null
      },
      "targets": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/target"
        },
        "nullable": true,
        "default": null
      },
      "reportDescriptors": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/reportDescriptor"
        },
        "nullable": true,
        "default": null
      },
      "payloadDescriptors": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/eventPayloadDescriptor"
        },
        "nullable": true,
        "default": null
      },
      "intervalPeriod": {
        "$ref": "#/components/schemas/intervalPeriod"
      },
      "intervals": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/interval"
        }
      }
    }
  },
  "objectMetadata": {
    "type": "object",
    "required": [
      "id",
      "createdDateTime",
      "modificationDateTime",
      "objectType"
    ],
    "properties": {
      "id": {
        "$ref": "#/components/schemas/objectID"
      },
      "createdDateTime": {
        "$ref": "#/components/schemas/dateTime"
      },
      "modificationDateTime": {
        "$ref": "#/components/schemas/dateTime"
      },
      "objectType": {
        "$ref": "#/components/schemas/objectTypes"
      }
    }
  },
  "interval": {
    "type": "object",
    "required": [
      "id",
      "payloads"
    ],
    "properties": {
      "id": {
        "type": "integer",
        "format": "int32"
      },
      "intervalPeriod": {
        "$ref": "#/components/schemas/intervalPeriod"
      },
      "payloads": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/valuesMap"
        }
      }
    }
  },
  "intervalPeriod": {
    "type": "object",
    "properties": {
      "start": {
        "$ref": "#/components/schemas/dateTime"
      },
      "duration": {
        "$ref": "#/components/schemas/duration"
      },
      "randomizeStart": {
        "$ref": "#/components/schemas/duration"
      }
    }
  },
  "valuesMap": {
    "type": "object",
    "required": [
      "type",
      "values"
    ],
    "properties": {
      "type": {
        "type": "string",
        "minLength": 1,
        "maxLength": 128
      },
      "values": {
        "type": "array",
        "items": {
          "anyOf": [
            {
              "type": "number"
            },
            {
              "type": "integer"
            },
            {
              "type": "string"
            },
            {
              "type": "boolean"
            },
            {
              "$ref": "#/components/schemas/point"
            }
          ]
        }
      }
    }
  },
  "point": {
    "type": "object",
    "required": [
      "x",
      "y"
    ],
    "properties": {
      "x": {
        "type": "number",
        "format": "float"
      },
      "y": {
        "type": "number",
        "format": "float"
      }
    }
  },
  "eventPayloadDescriptor": {
    "type": "object",
    "required": [
      "objectType",
      "payloadType"
    ],
    "properties": {
      "objectType": {
        "type": "string",
        "enum": [
          "EVENT_PAYLOAD_DESCRIPTOR"
        ]
      },
      "payloadType": {
        "type": "string",
        "minLength": 1,
        "maxLength": 128
      },
      "units": {
        "$ref": "#/components/schemas/units"
      },
      "currency": {
        "type": "string",
        "nullable": true,
        "default": null
      }
    }
  },
  "reportDescriptor": {
    "type": "object",
    "required": [
      "payloadType"
    ],
    "properties": {
      "payloadType": {
        "type": "string",
        "minLength": 1,
        "maxLength": 128
      },
      "readingType": {
        "$ref": "#/components/schemas/readingType"
      },
      "units": {
        "$ref": "#/components/schemas/units"
      },
      "targets": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/target"
        },
        "nullable": true,
        "default": null
      },
      "aggregate": {
        "type": "boolean",
        "default": false
      },
      "startInterval": {
        "type": "integer",
        "format": "int32",
        "default": -1
      },
      "numIntervals": {
        "type": "integer",
        "format": "int32",
        "default": -1
      },
      "historical": {
        "type": "boolean",
        "default": true
      },
      "frequency": {
        "type": "integer",
        "format": "int32",
        "default": -1
      },
      "repeat": {
        "type": "integer",
        "format": "int32",
        "default": 1
      },
      "reportIntervals": {
        "type": "string",
        "enum": [
          "INTERVALS",
          "SUB_INTERVALS",
          "OPEN_INTERVALS"
        ],
        "default": "INTERVALS"
      }
    }
  },
  "objectID": {
    "type": "string",
    "pattern": "^[a-zA-Z0-9_-]*$",
    "minLength": 1,
    "maxLength": 128
  },
  "target": {
    "type": "string",
    "minLength": 1,
    "maxLength": 128
  },
  "units": {
    "type": "string",
    "nullable": true,
    "default": null,
    "minLength": 1,
    "maxLength": 128
  },
  "readingType": {
    "type": "string",
    "minLength": 1,
    "maxLength": 128,
    "nullable": true,
    "default": null
  },
  "objectTypes": {
    "type": "string",
    "enum": [
      "PROGRAM",
      "EVENT",
      "REPORT",
      "SUBSCRIPTION",
      "VEN",
      "RESOURCE"
    ]
  },
  "dateTime": {
    "type": "string",
    "format": "date-time"
  },
  "duration": {
    "type": "string",
    "pattern": "^(-?)P(?=\\d|T\\d)(?:(\\d+)Y)?(?:(\\d+)M)?(?:(\\d+)([DW]))?(?:T(?:(\\d+)H)?(?:(\\d+)M)?(?:(\\d+(?:\\.\\d+)?)S)?)?$",
    "default": "PT0S"
  }
};

/** Event interval payload definitions (enumerations/event-interval-payloads.schema.yaml) wattshift understands. */
export const EVENT_PAYLOAD_SCHEMAS: Readonly<Record<string, SchemaNode>> = {
  "SIMPLE": {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {
      "type": "integer",
      "minimum": 0,
      "maximum": 3
    }
  },
  "DISPATCH_SETPOINT": {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {
      "type": "number",
      "minimum": 0
    }
  },
  "DISPATCH_SETPOINT_RELATIVE": {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {
      "type": "number",
      "minimum": 0
    }
  },
  "CONTROL_LEVEL_OFFSET_PERCENT": {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {
      "type": "number",
      "minimum": -1,
      "maximum": 1
    }
  },
  "IMPORT_CAPACITY_LIMIT": {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {
      "type": "number",
      "minimum": 0
    }
  },
  "EXPORT_CAPACITY_LIMIT": {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {
      "type": "number",
      "minimum": 0
    }
  },
  "PRICE": {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {
      "type": "number"
    }
  }
};

/** Units allowed in an eventPayloadDescriptor (enumerations/units.schema.yaml). */
export const UNITS_SCHEMA: SchemaNode = {
  "type": "string",
  "enum": [
    "KWH",
    "THERMS",
    "GHG",
    "VOLTS",
    "AMPS",
    "CELSIUS",
    "FAHRENHEIT",
    "PERCENT",
    "KW",
    "KVAH",
    "KVARH",
    "KVA",
    "KVAR"
  ]
};
