// Projects: list, get, create, update, soft delete (resources.md "Projects").
#include "api/app.h"
#include "api/envelope.h"
#include "api/json_body.h"
#include "core/uuid.h"

namespace goatherd::api {
namespace {

constexpr std::size_t kMaxNameCodePoints = 200;

void WriteProject(JsonWriter& w, const Project& p) {
  w.StartObject();
  w.Key("id").String(p.id);
  w.Key("org_id").String(p.org_id);
  w.Key("name").String(p.name);
  w.Key("description").OptString(p.description);
  w.Key("metadata").Raw(p.metadata);
  w.Key("created_at").Time(p.created_at);
  w.Key("updated_at").Time(p.updated_at);
  w.EndObject();
}

Response ProjectResponse(int status, const Project& p) {
  return DataResponse(status, [&](JsonWriter& w) { WriteProject(w, p); });
}

// The fields a create or update may carry, validated; `require_name` on create.
Result<ProjectPatch> ReadProjectFields(const std::string& body, bool creating) {
  auto parsed = ParseJsonObjectBody(body);
  if (!parsed) return parsed.error();
  const auto& obj = *parsed;
  if (Status st = RejectUnknownFields(obj, {"name", "readme", "metadata"}); !st) return st.error();
  if (!creating && obj.empty()) {
    return Error::InvalidBody("Body must set at least one of 'name', 'readme', 'metadata'");
  }
  ProjectPatch patch;
  auto name = ReadString(obj, "name");
  if (!name) return name.error();
  if (creating && !name->has_value()) return Error::InvalidBody("Field 'name' is required");
  if (name->has_value()) {
    std::size_t n = CodePointCount(**name);
    if (n == 0 || n > kMaxNameCodePoints) {
      return Error::InvalidBody("Field 'name' must be 1 to 200 characters");
    }
    patch.name = **name;
  }
  auto readme = ReadReadme(obj);
  if (!readme) return readme.error();
  patch.readme = *readme;
  auto metadata = ReadMetadata(obj);
  if (!metadata) return metadata.error();
  patch.metadata = *metadata;
  return patch;
}

std::string ListIdentity(const RequestContext& ctx) { return "projects|" + ctx.org->id; }

Response ListProjects(RequestContext& ctx) {
  auto page_request = ctx.services.cursors->ReadPageRequest(ctx.query, ListIdentity(ctx));
  if (!page_request) return ErrorResponse(page_request.error());
  auto page = ctx.services.store->ListProjects(ctx.org->id, *page_request);
  if (!page) return ErrorResponse(page.error());
  return PageResponse(
      [&](JsonWriter& w) {
        w.StartArray();
        for (const Project& p : page->items) WriteProject(w, p);
        w.EndArray();
      },
      ctx.services.cursors->NextCursor(ListIdentity(ctx), *page));
}

Response GetProject(RequestContext& ctx) {
  auto p = ctx.services.store->GetProject(ctx.org->id, ctx.Param("id"));
  if (!p) return ErrorResponse(p.error());
  return ProjectResponse(200, *p);
}

Response CreateProject(RequestContext& ctx) {
  auto fields = ReadProjectFields(ctx.request.body, /*creating=*/true);
  if (!fields) return ErrorResponse(fields.error());
  std::int64_t now_ms = ctx.services.clock->NowMs();
  Project p;
  p.id = NewUuidV7(now_ms);
  p.org_id = ctx.org->id;
  p.name = *fields->name;
  if (fields->readme) p.description = *fields->readme;
  if (fields->metadata) p.metadata = *fields->metadata;
  p.created_at = p.updated_at = now_ms / 1000;
  auto created = ctx.services.store->CreateProject(p);
  if (!created) return ErrorResponse(created.error());
  return ProjectResponse(201, *created);
}

Response UpdateProject(RequestContext& ctx) {
  auto fields = ReadProjectFields(ctx.request.body, /*creating=*/false);
  if (!fields) return ErrorResponse(fields.error());
  auto updated = ctx.services.store->UpdateProject(ctx.org->id, ctx.Param("id"), *fields,
                                                   ctx.services.clock->NowSeconds());
  if (!updated) return ErrorResponse(updated.error());
  return ProjectResponse(200, *updated);
}

Response DeleteProject(RequestContext& ctx) {
  const std::string& id = ctx.Param("id");
  if (Status st =
          ctx.services.store->DeleteProject(ctx.org->id, id, ctx.services.clock->NowSeconds());
      !st) {
    return ErrorResponse(st.error());
  }
  return DeletedResponse(id);
}

std::vector<FieldDoc> ProjectWriteFields(bool creating) {
  return {
      {"name", "string", false, "Project name, 1 to 200 characters", creating},
      {"readme", "string", true,
       "Markdown notes for the team and agents; read back as description"},
      {"metadata", "object", false, "Agent-writable structured data (replaces the stored object)"},
  };
}

}  // namespace

void RegisterProjectRoutes(Router& router) {
  router.AddEntity(
      {"project",
       "A program or period grouping creators, videos and campaigns",
       {
           {"id", "uuid", false, "Project id"},
           {"org_id", "uuid", false, "Owning organization"},
           {"name", "string", false, "Project name"},
           {"description", "string", true, "Team notes / agent context (written as readme)"},
           {"metadata", "object", false, "Agent-writable structured data"},
           {"created_at", "timestamp", false, "Creation time"},
           {"updated_at", "timestamp", false, "Last change"},
       },
       {{"org_id", "organization"},
        {"creators", "creator.project_id"},
        {"videos", "video.project_id"}}});

  router.Add({"GET",
              "/api/v1/projects",
              kScopeRead,
              ListProjects,
              {"List the organization's projects, newest first",
               "Projects",
               {{"limit", "integer", "Items per page, 1..100 (default 50)"},
                {"cursor", "string", "Opaque cursor from meta.nextCursor"}},
               {},
               "project",
               true}});
  router.Add({"POST",
              "/api/v1/projects",
              kScopeWrite,
              CreateProject,
              {"Create a project",
               "Projects",
               {},
               ProjectWriteFields(true),
               "project",
               false,
               201,
               {402}}});
  router.Add({"GET",
              "/api/v1/projects/{id}",
              kScopeRead,
              GetProject,
              {"Get one project", "Projects", {}, {}, "project", false, 200, {404}}});
  router.Add({"PATCH",
              "/api/v1/projects/{id}",
              kScopeWrite,
              UpdateProject,
              {"Update a project's name, readme or metadata",
               "Projects",
               {},
               ProjectWriteFields(false),
               "project",
               false,
               200,
               {404}}});
  router.Add({"DELETE",
              "/api/v1/projects/{id}",
              kScopeWrite,
              DeleteProject,
              {"Delete a project (hidden at once, purged after 30 days)",
               "Projects",
               {},
               {},
               "",
               false,
               200,
               {404}}});
}

}  // namespace goatherd::api
