// How long a campaign's video set takes to resolve (Store::ResolveCampaignVideoIds, issue #5):
// a temporary SQLite store holding 100 creators with 200 videos each (20,000 videos, mixed
// statuses) and a campaign tree of 50 sub-campaigns (root > 10 quarters > 4 pushes each), whose
// pushes hold 3 creators each (20 creators in two pushes) and 5 direct videos (some also reached
// through their creator). Target: under 2 ms for the whole tree.
// Beside it, as a peer, the same set computed by one recursive-CTE statement in SQLite.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.h"

namespace {

using goatherd::Campaign;
using goatherd::CreatorVideoRule;
using goatherd::sqlite::SqliteStore;

constexpr int kCreators = 100;
constexpr int kVideosPerCreator = 200;
constexpr int kQuarters = 10;
constexpr int kPushesPerQuarter = 4;
constexpr char kOrg[] = "0190a000-0000-7000-8000-00000000000a";
constexpr char kProject[] = "0190b000-0000-7000-8000-000000000001";

std::string Id(char kind, int n) {
  std::string id = "00000000-0000-4000-8000-000000000000";
  id[0] = kind;
  std::string tail = std::to_string(n);
  id.replace(id.size() - tail.size(), tail.size(), tail);
  return id;
}

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "campaign_resolver_bench: %s failed\n", what);
    std::exit(1);
  }
}

struct Dataset {
  std::filesystem::path dir;
  std::unique_ptr<SqliteStore> store;
  std::string root;
  std::size_t expected = 0;  // videos in the root's set, counted while building
  ~Dataset() {
    store.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

// Every 20th video excluded, every 20th (offset 10) pending review, every 10th (offset 5)
// included, the rest auto_tracked: 180 of a creator's 200 videos count.
const char* StatusOf(int v) {
  if (v % 20 == 0) return "excluded";
  if (v % 20 == 10) return "pending_review";
  if (v % 10 == 5) return "included";
  return "auto_tracked";
}

void Build(Dataset* d) {
  {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "goatherd-resolver-XXXXXX").string();
    Check(mkdtemp(pattern.data()) != nullptr, "mkdtemp");
    d->dir = pattern;
    d->store = std::make_unique<SqliteStore>((d->dir / "bench.db").string(), 2);
    Check(d->store->Migrate().ok(), "migrate");
    goatherd::Organization org;
    org.id = kOrg;
    org.name = "Bench";
    org.created_at = org.updated_at = 1;
    Check(d->store->CreateOrganization(org).ok(), "organization");
    goatherd::Project project;
    project.id = kProject;
    project.org_id = kOrg;
    project.name = "Program";
    project.created_at = project.updated_at = 1;
    Check(d->store->CreateProject(project).ok(), "project");
  }
  {
    // The session holds a pooled connection until it goes out of scope.
    auto import = d->store->BeginImport(1000);
    Check(import->BeginBatch().ok(), "batch");
    for (int c = 1; c <= kCreators; ++c) {
      goatherd::Creator creator;
      creator.id = Id('c', c);
      creator.org_id = kOrg;
      creator.project_id = kProject;
      creator.tiktok_handle = "creator" + std::to_string(c);
      creator.created_at = 10;
      Check(import->PutCreator(creator, true).ok(), "creator");
      for (int v = 0; v < kVideosPerCreator; ++v) {
        int n = c * 1000 + v;
        goatherd::Video video;
        video.id = Id('b', n);
        video.org_id = kOrg;
        video.project_id = kProject;
        video.creator_id = creator.id;
        video.tiktok_video_id = "73" + std::to_string(n);
        video.tracking_status = StatusOf(v);
        video.created_at = 20;
        Check(import->PutVideo(video, true).ok(), "video");
      }
    }
    Check(import->CommitBatch().ok(), "commit");
    Check(import->Finish().ok(), "finish");
  }
  {
    auto campaign = [&](const std::string& id, const std::string& name) {
      Campaign c;
      c.id = id;
      c.org_id = kOrg;
      c.project_id = kProject;
      c.name = name;
      c.created_at = c.updated_at = 100;
      Check(d->store->CreateCampaign(c).ok(), "campaign");
    };
    auto add = [&](const std::string& parent, const char* type, const std::string& item) {
      Check(d->store->AddCampaignItem(kOrg, parent, type, item, 200).ok(), "item");
    };
    d->root = Id('a', 1);
    campaign(d->root, "2026 Program");
    // Push p (0..39) holds creators 2p+1, 2p+2 and (for p < 20) creator 2p+41, which the next
    // quarter's pushes hold again; and 5 videos: 3 of its own creators (counted already) and 2
    // excluded ones of creator 100 (which only these items bring in).
    int excluded_items = 0;
    for (int q = 0; q < kQuarters; ++q) {
      std::string quarter = Id('a', 100 + q);
      campaign(quarter, "Quarter " + std::to_string(q));
      add(d->root, "campaign", quarter);
      for (int k = 0; k < kPushesPerQuarter; ++k) {
        int p = q * kPushesPerQuarter + k;
        std::string push = Id('a', 1000 + p);
        campaign(push, "Push " + std::to_string(p));
        add(quarter, "campaign", push);
        add(push, "creator", Id('c', 2 * p + 1));
        add(push, "creator", Id('c', 2 * p + 2));
        if (p < 20) add(push, "creator", Id('c', 2 * p + 41));
        for (int v = 1; v <= 3; ++v) add(push, "video", Id('b', (2 * p + 1) * 1000 + v));
        for (int v = 0; v < 2; ++v) {
          // Excluded videos of creator 100 (v % 20 == 0): 10 distinct ones, each in 8 pushes.
          add(push, "video", Id('b', 100 * 1000 + 20 * (2 * p + v) % kVideosPerCreator));
        }
      }
    }
    // Creators 1..80 are in pushes (81..100 never: 2p+2 <= 80, 2p+41 <= 79); each brings 180.
    // Creator 100's excluded videos 0, 20, ..., 180 (10 distinct ones) come in as items.
    excluded_items = 10;
    d->expected = 80 * 180 + excluded_items;
  }
}

// Built on first use; removed at exit.
Dataset& Data() {
  static Dataset data;
  static const bool built = (Build(&data), true);
  (void)built;
  return data;
}

void BM_ResolveCampaignVideoIds(benchmark::State& state) {
  Dataset& d = Data();
  std::size_t n = 0;
  for (auto _ : state) {
    auto ids = d.store->ResolveCampaignVideoIds(kOrg, d.root, CreatorVideoRule::kCounted);
    Check(ids.ok(), "resolve");
    n = ids->size();
    benchmark::DoNotOptimize(ids->data());
  }
  Check(n == d.expected, "the expected video count");
  state.counters["videos"] = static_cast<double>(n);
}
BENCHMARK(BM_ResolveCampaignVideoIds)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ResolveCampaignVideoSeqs(benchmark::State& state) {
  Dataset& d = Data();
  std::size_t n = 0;
  for (auto _ : state) {
    auto seqs = d.store->ResolveCampaignVideoSeqs(kOrg, d.root, CreatorVideoRule::kCounted);
    Check(seqs.ok(), "resolve");
    n = seqs->size();
    benchmark::DoNotOptimize(seqs->data());
  }
  Check(n == d.expected, "the expected video count");
  state.counters["videos"] = static_cast<double>(n);
}
BENCHMARK(BM_ResolveCampaignVideoSeqs)->Unit(benchmark::kMillisecond)->UseRealTime();

// The peer: the whole resolution as one statement (tree by recursive CTE, UNION for the
// each-once rule), ids out.
void BM_PeerOneRecursiveCte(benchmark::State& state) {
  Dataset& d = Data();
  std::size_t n = 0;
  for (auto _ : state) {
    auto db = d.store->pool().Acquire();
    auto s = db->Prepare(
        "WITH RECURSIVE tree(id) AS (SELECT ?2 UNION SELECT i.item_id FROM campaign_items i "
        "JOIN tree ON i.campaign_id = tree.id WHERE i.item_type = 'campaign' AND i.org_id = ?1), "
        "items AS (SELECT i.item_type, i.item_id FROM campaign_items i JOIN tree "
        "ON i.campaign_id = tree.id WHERE i.org_id = ?1) "
        "SELECT v.id FROM videos v WHERE v.org_id = ?1 AND v.id IN "
        "(SELECT item_id FROM items WHERE item_type = 'video') "
        "UNION SELECT v.id FROM creators c JOIN videos v ON v.org_id = c.org_id AND "
        "v.creator_id = c.id WHERE c.org_id = ?1 AND c.status = 'active' AND c.id IN "
        "(SELECT item_id FROM items WHERE item_type = 'creator') AND "
        "v.tracking_status IN ('auto_tracked', 'included', 'direct_add')");
    s.Bind(1, kOrg).Bind(2, d.root);
    std::vector<std::string> ids;
    while (s.Step()) ids.push_back(s.Text(0));
    n = ids.size();
    benchmark::DoNotOptimize(ids.data());
  }
  Check(n == d.expected, "the expected video count");
  state.counters["videos"] = static_cast<double>(n);
}
BENCHMARK(BM_PeerOneRecursiveCte)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
