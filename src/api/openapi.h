// Documents generated from the route table: the OpenAPI 3.1 description of every endpoint
// (`/api/v1/openapi.json`) and the entity catalogue of `/api/v1/schema`. Both are built from the
// same Router the server dispatches on, so they cannot drift from the code.
// Thread-safety: pure functions of an immutable router.
#pragma once

#include <string>

#include "api/router.h"

namespace goatherd::api {

std::string BuildOpenApiDocument(const Router& router);
std::string BuildSchemaDocument(const Router& router);

}  // namespace goatherd::api
