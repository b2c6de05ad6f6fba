// Annotations of a project's charts (spec/analytics.md "Annotations").
#include "store/sqlite/sqlite_store.h"

namespace goatherd::sqlite {
namespace {

#define GOATHERD_ANNOTATION_COLUMNS                                                       \
  "id, org_id, project_id, date, label, body, kind, entity_type, entity_id, created_at, " \
  "updated_at"

Annotation ReadAnnotation(const Stmt& s) {
  Annotation a;
  a.id = s.Text(0);
  a.org_id = s.Text(1);
  a.project_id = s.Text(2);
  a.date = s.Text(3);
  a.label = s.Text(4);
  a.body = s.OptText(5);
  a.kind = s.Text(6);
  a.entity_type = s.OptText(7);
  a.entity_id = s.OptText(8);
  a.created_at = s.Int(9);
  a.updated_at = s.Int(10);
  return a;
}

std::optional<Annotation> FindAnnotation(Db& db, const std::string& org_id, const std::string& id) {
  auto s = db.Prepare("SELECT " GOATHERD_ANNOTATION_COLUMNS
                      " FROM annotations WHERE id = ? AND org_id = ?");
  s.Bind(1, id).Bind(2, org_id);
  if (!s.Step()) return std::nullopt;
  return ReadAnnotation(s);
}

bool ProjectExists(Db& db, const std::string& org_id, const std::string& project_id) {
  auto s = db.Prepare("SELECT 1 FROM projects WHERE id = ? AND org_id = ? AND deleted_at IS NULL");
  s.Bind(1, project_id).Bind(2, org_id);
  return s.Step();
}

// Whether the entity an annotation points at exists in that project of the organization.
bool EntityExists(Db& db, const std::string& org_id, const std::string& project_id,
                  const std::string& type, const std::string& id) {
  if (type == "video") {
    auto s = db.Prepare("SELECT 1 FROM videos WHERE id = ? AND org_id = ? AND project_id = ?");
    s.Bind(1, id).Bind(2, org_id).Bind(3, project_id);
    return s.Step();
  }
  if (type == "creator") {
    auto s = db.Prepare(
        "SELECT 1 FROM creators WHERE id = ? AND org_id = ? AND project_id = ? AND "
        "status <> 'removed'");
    s.Bind(1, id).Bind(2, org_id).Bind(3, project_id);
    return s.Step();
  }
  if (type == "campaign") {
    auto s = db.Prepare("SELECT 1 FROM campaigns WHERE id = ? AND org_id = ? AND project_id = ?");
    s.Bind(1, id).Bind(2, org_id).Bind(3, project_id);
    return s.Step();
  }
  return false;
}

Status CheckEntity(Db& db, const Annotation& a) {
  if (!a.entity_type || !a.entity_id) return Status::Ok();
  if (!EntityExists(db, a.org_id, a.project_id, *a.entity_type, *a.entity_id)) {
    std::string what = *a.entity_type;
    what[0] = static_cast<char>(what[0] - 'a' + 'A');
    return Error::NotFound(what + " " + *a.entity_id + " not found in project " + a.project_id);
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<Annotation>> SqliteStore::ListAnnotations(const std::string& org_id,
                                                             const std::string& project_id,
                                                             DayNumber from_date,
                                                             DayNumber to_date) {
  return Guarded("list annotations", [&]() -> Result<std::vector<Annotation>> {
    auto db = pool_.Acquire();
    auto s = db->Prepare("SELECT " GOATHERD_ANNOTATION_COLUMNS
                         " FROM annotations WHERE org_id = ? AND project_id = ? AND date >= ? "
                         "AND date <= ? ORDER BY date, id");
    s.Bind(1, org_id)
        .Bind(2, project_id)
        .Bind(3, FormatDate(from_date))
        .Bind(4, FormatDate(to_date));
    std::vector<Annotation> out;
    while (s.Step()) out.push_back(ReadAnnotation(s));
    return out;
  });
}

Result<Page<Annotation>> SqliteStore::ListAnnotationPage(const std::string& org_id,
                                                         const std::string& project_id,
                                                         DayNumber from_date, DayNumber to_date,
                                                         const PageRequest& page) {
  return Guarded("list annotation page", [&]() -> Result<Page<Annotation>> {
    auto db = pool_.Acquire();
    if (!ProjectExists(*db, org_id, project_id)) return Error::NotFound("Project not found");
    // Keyset (date, id) ascending: the position's created_at carries the date's day number.
    auto s = page.after ? db->Prepare("SELECT " GOATHERD_ANNOTATION_COLUMNS
                                      " FROM annotations WHERE org_id = ?1 AND project_id = ?2 "
                                      "AND date >= ?3 AND date <= ?4 AND (date, id) > (?6, ?7) "
                                      "ORDER BY date, id LIMIT ?5")
                        : db->Prepare("SELECT " GOATHERD_ANNOTATION_COLUMNS
                                      " FROM annotations WHERE org_id = ?1 AND project_id = ?2 "
                                      "AND date >= ?3 AND date <= ?4 ORDER BY date, id LIMIT ?5");
    s.Bind(1, org_id)
        .Bind(2, project_id)
        .Bind(3, FormatDate(from_date))
        .Bind(4, FormatDate(to_date))
        .Bind(5, page.limit + 1);
    if (page.after) {
      s.Bind(6, FormatDate(static_cast<DayNumber>(page.after->created_at))).Bind(7, page.after->id);
    }
    return ReadPage<Annotation>(s, page.limit, ReadAnnotation);
  });
}

Result<Annotation> SqliteStore::GetAnnotation(const std::string& org_id, const std::string& id) {
  return Guarded("get annotation", [&]() -> Result<Annotation> {
    auto db = pool_.Acquire();
    auto a = FindAnnotation(*db, org_id, id);
    if (!a) return Error::NotFound("Annotation not found");
    return *a;
  });
}

Result<Annotation> SqliteStore::CreateAnnotation(const Annotation& a) {
  return Guarded("create annotation", [&]() -> Result<Annotation> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    if (!ProjectExists(*db, a.org_id, a.project_id)) return Error::NotFound("Project not found");
    if (Status st = CheckEntity(*db, a); !st) return st.error();
    db->Prepare("INSERT INTO annotations (" GOATHERD_ANNOTATION_COLUMNS
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .Bind(1, a.id)
        .Bind(2, a.org_id)
        .Bind(3, a.project_id)
        .Bind(4, a.date)
        .Bind(5, a.label)
        .Bind(6, a.body)
        .Bind(7, a.kind)
        .Bind(8, a.entity_type)
        .Bind(9, a.entity_id)
        .Bind(10, a.created_at)
        .Bind(11, a.updated_at)
        .Exec();
    txn.Commit();
    return a;
  });
}

Result<Annotation> SqliteStore::UpdateAnnotation(const std::string& org_id, const std::string& id,
                                                 const AnnotationPatch& patch, Timestamp now) {
  return Guarded("update annotation", [&]() -> Result<Annotation> {
    auto db = pool_.Acquire();
    WriteTxn txn(*db);
    auto current = FindAnnotation(*db, org_id, id);
    if (!current) return Error::NotFound("Annotation not found");
    Annotation a = *current;
    if (patch.date) a.date = *patch.date;
    if (patch.label) a.label = *patch.label;
    if (patch.body) a.body = *patch.body;
    if (patch.kind) a.kind = *patch.kind;
    if (patch.entity_type) a.entity_type = *patch.entity_type;
    if (patch.entity_id) a.entity_id = *patch.entity_id;
    if (patch.entity_type || patch.entity_id) {
      if (Status st = CheckEntity(*db, a); !st) return st.error();
    }
    a.updated_at = now;
    db->Prepare(
          "UPDATE annotations SET date = ?, label = ?, body = ?, kind = ?, entity_type = ?, "
          "entity_id = ?, updated_at = ? WHERE id = ? AND org_id = ?")
        .Bind(1, a.date)
        .Bind(2, a.label)
        .Bind(3, a.body)
        .Bind(4, a.kind)
        .Bind(5, a.entity_type)
        .Bind(6, a.entity_id)
        .Bind(7, a.updated_at)
        .Bind(8, id)
        .Bind(9, org_id)
        .Exec();
    txn.Commit();
    return a;
  });
}

Status SqliteStore::DeleteAnnotation(const std::string& org_id, const std::string& id) {
  return Guarded("delete annotation", [&]() -> Status {
    auto db = pool_.Acquire();
    db->Prepare("DELETE FROM annotations WHERE id = ? AND org_id = ?")
        .Bind(1, id)
        .Bind(2, org_id)
        .Exec();
    if (db->Changes() == 0) return Error::NotFound("Annotation not found");
    return Status::Ok();
  });
}

}  // namespace goatherd::sqlite
