// Annotations of a project's charts (spec/analytics.md "Annotations"): dated notes, optionally
// pinned to one video, creator or campaign of the project, that analytics answers include.
// The list takes the date range of api-conventions.md (default the last 30 days) without the
// retention check: annotations are the team's own notes, not stats history.
#include "api/app.h"
#include "api/date_range.h"
#include "api/envelope.h"
#include "api/json_body.h"
#include "core/uuid.h"

namespace goatherd::api {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxLabelCodePoints = 200;
constexpr std::size_t kMaxBodyCodePoints = 10'000;

void WriteAnnotation(JsonWriter& w, const Annotation& a) {
  w.StartObject();
  w.Key("id").String(a.id);
  w.Key("project_id").String(a.project_id);
  w.Key("date").String(a.date);
  w.Key("label").String(a.label);
  w.Key("body").OptString(a.body);
  w.Key("kind").String(a.kind);
  w.Key("entity_type").OptString(a.entity_type);
  w.Key("entity_id").OptString(a.entity_id);
  w.Key("created_at").Time(a.created_at);
  w.Key("updated_at").Time(a.updated_at);
  w.EndObject();
}

Response AnnotationResponse(int status, const Annotation& a) {
  return DataResponse(status, [&](JsonWriter& w) { WriteAnnotation(w, a); });
}

struct AnnotationFields {
  std::optional<std::string> project_id;  // create only
  AnnotationPatch patch;
};

Result<AnnotationFields> ReadAnnotationFields(const std::string& body, bool creating) {
  auto parsed = ParseJsonObjectBody(body);
  if (!parsed) return parsed.error();
  const auto& obj = *parsed;
  if (Status st = RejectUnknownFields(
          obj, {"project_id", "date", "label", "body", "kind", "entity_type", "entity_id"});
      !st) {
    return st.error();
  }
  AnnotationFields out;
  if (!creating) {
    if (obj.contains("project_id")) {
      return Error::InvalidBody(
          "Field 'project_id' cannot be changed; create the annotation in the other project");
    }
    if (obj.empty()) {
      return Error::InvalidBody(
          "Body must set at least one of 'date', 'label', 'body', 'kind', 'entity_type', "
          "'entity_id'");
    }
  } else {
    auto project = ReadString(obj, "project_id");
    if (!project) return project.error();
    if (!project->has_value()) return Error::InvalidBody("Field 'project_id' is required");
    auto id = NormalizeUuid(**project);
    if (!id) {
      return Error::InvalidBody("Field 'project_id' must be a UUID, got '" + **project + "'");
    }
    out.project_id = *id;
  }
  AnnotationPatch& p = out.patch;
  auto date = ReadString(obj, "date");
  if (!date) return date.error();
  if (date->has_value()) {
    if (!ParseDate(**date)) {
      return Error::InvalidBody("Field 'date' must be a date YYYY-MM-DD, got '" + **date + "'");
    }
    p.date = *date;
  } else if (creating) {
    return Error::InvalidBody("Field 'date' is required");
  }
  auto label = ReadString(obj, "label");
  if (!label) return label.error();
  if (label->has_value()) {
    std::size_t n = CodePointCount(**label);
    if (n == 0 || n > kMaxLabelCodePoints) {
      return Error::InvalidBody("Field 'label' must be 1 to 200 characters, got " +
                                std::to_string(n));
    }
    p.label = *label;
  } else if (creating) {
    return Error::InvalidBody("Field 'label' is required");
  }
  auto text = ReadNullableString(obj, "body");
  if (!text) return text.error();
  if (text->has_value() && text->value() && CodePointCount(*text->value()) > kMaxBodyCodePoints) {
    return Error::InvalidBody("Field 'body' must be at most 10000 characters");
  }
  p.body = *text;
  auto kind = ReadEnum(obj, "kind", {"note", "launch", "payout", "incident"});
  if (!kind) return kind.error();
  p.kind = *kind;

  // The entity: both fields, or neither; null clears both on update.
  bool has_type = obj.contains("entity_type");
  bool has_id = obj.contains("entity_id");
  if (has_type != has_id) {
    return Error::InvalidBody("Fields 'entity_type' and 'entity_id' must be given together");
  }
  if (has_type) {
    const json::value& t = obj.at("entity_type");
    const json::value& i = obj.at("entity_id");
    if (t.is_null() != i.is_null()) {
      return Error::InvalidBody(
          "Fields 'entity_type' and 'entity_id' must both be set or both be null");
    }
    if (t.is_null()) {
      p.entity_type = std::optional<std::string>();
      p.entity_id = std::optional<std::string>();
    } else {
      auto type = ReadEnum(obj, "entity_type", {"video", "creator", "campaign"});
      if (!type) return type.error();
      auto id_text = ReadString(obj, "entity_id");
      if (!id_text) return id_text.error();
      auto id = NormalizeUuid(**id_text);
      if (!id) {
        return Error::InvalidBody("Field 'entity_id' must be a UUID, got '" + **id_text + "'");
      }
      p.entity_type = *type;
      p.entity_id = *id;
    }
  }
  return out;
}

std::string ListIdentity(const RequestContext& ctx, const std::string& project_id,
                         const DateRange& range) {
  return "annotations|" + ctx.org->id + "|" + project_id + "|" + FormatDate(range.from) + "|" +
         FormatDate(range.to);
}

Response ListAnnotations(RequestContext& ctx) {
  auto project = ctx.query.GetUuid("project_id");
  if (!project) return ErrorResponse(project.error());
  if (!project->has_value()) {
    return ErrorResponse(Error::InvalidQuery("Query parameter 'project_id' is required"));
  }
  auto range = ReadDateRange(ctx.query, *ctx.org, *ctx.services.clock);
  if (!range) return ErrorResponse(range.error());
  std::string identity = ListIdentity(ctx, **project, *range);
  auto page_request = ctx.services.cursors->ReadPageRequest(ctx.query, identity);
  if (!page_request) return ErrorResponse(page_request.error());
  auto page = ctx.services.store->ListAnnotationPage(ctx.org->id, **project, range->from, range->to,
                                                     *page_request);
  if (!page) return ErrorResponse(page.error());
  std::optional<std::string> next;
  if (page->has_more && !page->items.empty()) {
    const Annotation& last = page->items.back();
    next = ctx.services.cursors->Encode(identity,
                                        KeysetPosition{ParseDate(last.date).value_or(0), last.id});
  }
  return PageResponse(
      [&](JsonWriter& w) {
        w.StartArray();
        for (const Annotation& a : page->items) WriteAnnotation(w, a);
        w.EndArray();
      },
      next);
}

Response CreateAnnotation(RequestContext& ctx) {
  auto fields = ReadAnnotationFields(ctx.request.body, /*creating=*/true);
  if (!fields) return ErrorResponse(fields.error());
  std::int64_t now_ms = ctx.services.clock->NowMs();
  const AnnotationPatch& p = fields->patch;
  Annotation a;
  a.id = NewUuidV7(now_ms);
  a.org_id = ctx.org->id;
  a.project_id = *fields->project_id;
  a.date = *p.date;
  a.label = *p.label;
  if (p.body) a.body = *p.body;
  if (p.kind) a.kind = *p.kind;
  if (p.entity_type) a.entity_type = *p.entity_type;
  if (p.entity_id) a.entity_id = *p.entity_id;
  a.created_at = a.updated_at = now_ms / 1000;
  auto created = ctx.services.store->CreateAnnotation(a);
  if (!created) return ErrorResponse(created.error());
  return AnnotationResponse(201, *created);
}

Response GetAnnotation(RequestContext& ctx) {
  auto a = ctx.services.store->GetAnnotation(ctx.org->id, ctx.Param("id"));
  if (!a) return ErrorResponse(a.error());
  return AnnotationResponse(200, *a);
}

Response UpdateAnnotation(RequestContext& ctx) {
  auto fields = ReadAnnotationFields(ctx.request.body, /*creating=*/false);
  if (!fields) return ErrorResponse(fields.error());
  auto updated = ctx.services.store->UpdateAnnotation(ctx.org->id, ctx.Param("id"), fields->patch,
                                                      ctx.services.clock->NowSeconds());
  if (!updated) return ErrorResponse(updated.error());
  return AnnotationResponse(200, *updated);
}

Response DeleteAnnotation(RequestContext& ctx) {
  const std::string& id = ctx.Param("id");
  if (Status st = ctx.services.store->DeleteAnnotation(ctx.org->id, id); !st) {
    return ErrorResponse(st.error());
  }
  return DeletedResponse(id);
}

std::vector<FieldDoc> AnnotationWriteFields(bool creating) {
  std::vector<FieldDoc> fields;
  if (creating) fields.push_back({"project_id", "uuid", false, "The project", true});
  fields.push_back({"date", "date", false, "The day it marks (YYYY-MM-DD)", creating});
  fields.push_back({"label", "string", false, "Short label, 1 to 200 characters", creating});
  fields.push_back({"body", "string", true, "Longer note, at most 10000 characters"});
  fields.push_back({"kind", "string", false, "note (default) | launch | payout | incident"});
  fields.push_back({"entity_type", "string", true, "video | creator | campaign, with entity_id"});
  fields.push_back({"entity_id", "uuid", true, "An entity of the same project"});
  return fields;
}

}  // namespace

void RegisterAnnotationRoutes(Router& router) {
  router.AddEntity({"annotation",
                    "A dated note on a project's charts, optionally about one entity",
                    {
                        {"id", "uuid", false, "Annotation id"},
                        {"project_id", "uuid", false, "The project"},
                        {"date", "date", false, "The day it marks"},
                        {"label", "string", false, "Short label"},
                        {"body", "string", true, "Longer note"},
                        {"kind", "string", false, "note | launch | payout | incident"},
                        {"entity_type", "string", true, "video | creator | campaign"},
                        {"entity_id", "uuid", true, "The entity it is about"},
                        {"created_at", "timestamp", false, "Creation time"},
                        {"updated_at", "timestamp", false, "Last change"},
                    },
                    {{"project_id", "project"}}});

  router.Add({"GET",
              "/api/v1/analytics/annotations",
              kScopeRead,
              ListAnnotations,
              {"List a project's annotations in a date range, oldest date first",
               "Analytics",
               {{"project_id", "uuid", "The project (required)"},
                {"from", "date", "First date, inclusive (default to - 29)"},
                {"to", "date", "Last date, inclusive (default today)"},
                {"tz", "string", "IANA zone for the default range (default the org's)"},
                {"limit", "integer", "Items per page, 1..100 (default 50)"},
                {"cursor", "string", "Opaque cursor from meta.nextCursor"}},
               {},
               "annotation",
               true,
               200,
               {404}}});
  router.Add({"POST",
              "/api/v1/analytics/annotations",
              kScopeWrite,
              CreateAnnotation,
              {"Create an annotation",
               "Analytics",
               {},
               AnnotationWriteFields(true),
               "annotation",
               false,
               201,
               {404}}});
  router.Add({"GET",
              "/api/v1/analytics/annotations/{id}",
              kScopeRead,
              GetAnnotation,
              {"Get one annotation", "Analytics", {}, {}, "annotation", false, 200, {404}}});
  router.Add({"PATCH",
              "/api/v1/analytics/annotations/{id}",
              kScopeWrite,
              UpdateAnnotation,
              {"Change an annotation",
               "Analytics",
               {},
               AnnotationWriteFields(false),
               "annotation",
               false,
               200,
               {404}}});
  router.Add({"DELETE",
              "/api/v1/analytics/annotations/{id}",
              kScopeWrite,
              DeleteAnnotation,
              {"Delete an annotation", "Analytics", {}, {}, "", false, 200, {404}}});
}

}  // namespace goatherd::api
