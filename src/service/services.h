// Everything the front-ends (REST, bots, dashboard) call, built over one Infrastructure.
#pragma once

#include <spdlog/spdlog.h>

#include "common/time.h"
#include "service/accounts/accounts.h"
#include "service/auth/audit.h"
#include "service/auth/auth.h"
#include "service/auth/hashing_pool.h"
#include "service/auth/rate_limiter.h"
#include "service/auth/tenants.h"
#include "service/background.h"
#include "service/bots/bots.h"
#include "service/cluster/cluster.h"
#include "service/events/events.h"
#include "service/events/gap_recovery.h"
#include "service/events/webhooks.h"
#include "service/health/health_monitor.h"
#include "service/health/notifications.h"
#include "service/infrastructure.h"
#include "service/logins/logins.h"
#include "service/media/downloads.h"
#include "service/media/file_registry.h"
#include "service/media/media_spool.h"
#include "service/media/url_fetch.h"
#include "service/messaging/messages.h"
#include "service/outbox/outbox.h"
#include "service/dialogs/dialog_service.h"
#include "service/pools/pool_service.h"
#include "service/relay/relay_service.h"
#include "service/watch/watch_service.h"

namespace tgmux::service {

struct Services {
  Services(Infrastructure& g, MessageShapes shapes)
      : infra(g),
        audit(g.store()),
        auth(g, audit, credentials),
        tenants(g, audit, credentials),
        accounts(g, background, audit),
        cluster(g, accounts, background),
        health(g, accounts, background),
        notifications(g, accounts),
        files(g),
        spool(g.config().data_dir),
        fetcher(g.config(), spool.upload_dir()),
        downloads(g, accounts, files, background),
        events(g, accounts, background, std::move(shapes)),
        gap_recovery(g, accounts, events, background),
        watch(g, accounts, events),
        webhooks(g, accounts, events),
        bots(g, background, events),
        relay(g, accounts, bots, events),
        logins(g, accounts, background, audit),
        outbox(g, accounts, background, files, spool),
        pools(g, accounts, outbox),
        dialogs(g, accounts, outbox, pools, events, background),
        messages(accounts, background, files),
        logins_per_tenant(g.config().auth.logins_per_tenant) {
    accounts.AddObserver(&files);
    accounts.AddObserver(&messages);
    gap_recovery.OnRecovered([this](const std::string& account_id, const telegram::Message& m) {
      watch.Recovered(account_id, m);
    });
    logins.OnStateChange([this](const std::string& tenant_id, const LoginView& login) {
      events.Append({"login.state", login.account ? login.account->id : "", tenant_id, LoginEventData(login), ""});
    });
    // A first message waiting on a flood wait may move to another account of its pool, its dialog with it.
    outbox.SetReassigner([this](const store::OutboxEntry& entry) {
      auto to = pools.Reassign(entry);
      if (to) {
        store::OutboxEntry moved = entry;
        moved.account_id = *to;
        dialogs.Moved(moved, entry.account_id);
      }
      return to;
    });
    // A send's message.sent or message.failed goes down with its final state.
    outbox.SetEndEvents({[this](const store::OutboxEntry& entry) {
                           auto draft = EventService::OutboxEnd(entry);
                           auto event = events.Seal(draft);
                           return event ? std::optional(std::pair(std::move(*event), std::move(draft.data))) : std::nullopt;
                         },
                         [this](const std::vector<store::Event>& written, const OutboxJournal::EventData& clear) {
                           events.Appended(written, clear);
                         },
                         [this](const store::OutboxEntry& entry) { events.Append(EventService::OutboxEnd(entry)); }});
    // Several nodes: consumers here hear the events other nodes write.
    if (cluster.enabled()) {
      events_elsewhere = infra.store().ListenForEvents(
          [this](const std::string& t, std::int64_t seq) { events.HeardElsewhere(t, seq); });
    }
    // Several nodes: an account's sends go where its lease goes.
    cluster.SetHooks({[this](const std::string& id) { outbox.TakeOver(id); },
                      [this](const std::string& id) { outbox.Release(id); },
                      [this](const std::set<std::string>& ids) { outbox.PickUp(ids); }});
    if (cluster.enabled()) {
      // Several nodes: a send written here for an account another node runs wakes that node.
      outbox.OnCreated([this](const store::OutboxEntry& entry) {
        if (accounts.RunsHere(entry.account_id)) return;
        Tell(kSendsChannel, entry.account_id + " " + entry.id);  // lost: its node picks it up at its next beat
      });
      sends_elsewhere = infra.store().Listen(kSendsChannel, [this](const std::string& heard) {
        const auto space = heard.find(' ');  // "<account> <entry>"
        if (space != std::string::npos && accounts.RunsHere(heard.substr(0, space))) outbox.Wake(heard.substr(space + 1));
      });
      // A send's file spooled on the node it was posted on goes where the account runs.
      outbox.SetRemoteSpool({[this](const std::string& url, const std::string& name, const std::filesystem::path& into) {
                               return cluster.FetchSpooled(url, name, into);
                             },
                             [this](const std::string& url, const std::string& name) { cluster.DropSpooled(url, name); }});
      // A login in progress is answered by the node that runs it (api/cluster_routes.cpp).
      logins.OnStart([this](const std::string& tenant_id, const LoginView& login) {
        infra.store().PutClusterLogin(
            {login.id, cluster.node_id(), tenant_id, login.method, login.created_at, login.expires_at});
      });
      // Each bot runs on the one node that holds its lease; a change made on
      // another node reaches it.
      bots.SetPlacement({[this](const std::string& id) { return cluster.Holds("bot", id); },
                         [this](const std::string& id) { cluster.Offer("bot", id); },
                         [this](const std::string& id) { Tell(kBotsChannel, id); }});
      bots_elsewhere = infra.store().Listen(kBotsChannel, [this](const std::string& id) {
        if (!id.empty()) background.Post([this, id] { bots.Refresh(id); });
      });
      cluster.AddWork({"bot", [this] { return bots.RunnableIds(); }, [this](const std::string& id) { bots.Run(id); },
                       [this](const std::string& id, bool, std::function<void()> done) {
                         bots.Halt(id, std::move(done));
                       }});
      // Each webhook is delivered by the one node that holds its lease.
      webhooks.SetPlacement([this](const std::string& id) { return cluster.Holds("webhook", id); },
                            [this](const std::string& id) { cluster.Offer("webhook", id); });
      cluster.AddWork({"webhook", [this] { return webhooks.ActiveIds(); },
                       [this](const std::string& id) { webhooks.Run(id); },
                       [this](const std::string& id, bool hand_over, std::function<void()> done) {
                         webhooks.Halt(id, hand_over, std::move(done));
                       }});
    }
    background.Every(std::chrono::seconds(30), [this] { gap_recovery.Checkpoint(); });
    background.Post([this] { RemoveOldEvents(); });
    background.Every(std::chrono::minutes(10), [this] { RemoveOldEvents(); });
  }
  ~Services() { Shutdown(); }

  // Before the HTTP server stops: whoever waits (long-polls, event streams,
  // sends with ?wait) is answered now.
  void BeginShutdown() {
    events.ReleaseWaiters();
    outbox.StopWaiting();
  }

  // Stops logins and closes every account's client (the sessions stay on
  // disk), writes the events queued so far and answers whoever waits for them.
  void Shutdown() {
    events_elsewhere.reset();
    sends_elsewhere.reset();
    bots_elsewhere.reset();
    health.Stop();
    bots.Shutdown();
    logins.Shutdown();
    cluster.Shutdown(std::chrono::seconds(10));  // hands this node's accounts over
    accounts.Shutdown();
    gap_recovery.Checkpoint();
    watch.Shutdown();
    webhooks.Stop();
    events.Shutdown();
    messages.Shutdown();
    background.Stop();
  }

  // Several nodes: a word to the others (Store::Notify), from the background thread.
  void Tell(const char* channel, const std::string& payload) {
    background.Post([this, channel, payload] {
      try {
        infra.store().Notify(channel, payload);
      } catch (const store::StoreError& e) {
        spdlog::warn("cluster: the other nodes were not told ({}): {}", channel, e.what());
      }
    });
  }

  // Retention (TGMUX_EVENT_RETENTION).
  void RemoveOldEvents() {
    auto keep_ms = static_cast<std::int64_t>(infra.config().event_retention_seconds * 1000);
    infra.store().DeleteEventsBefore(UnixMillis() - keep_ms);
    // The bots' terminal: which bot message stood for which account message.
    infra.store().DeleteBotRelaysBefore(UnixSeconds() - keep_ms / 1000);
    // The watcher's messages and matches (pending notifications stay).
    infra.store().DeleteWatchBefore(UnixSeconds() - keep_ms / 1000);
    // Which node ran a login: a day after it started, long past its end.
    if (cluster.enabled()) infra.store().DeleteClusterLoginsBefore(UnixSeconds() - 86400);
  }

  Infrastructure& infra;
  Background background;
  AuditLog audit;
  CredentialCache credentials;  // what authentication read from the store
  HashingPool hashing{infra.config().auth.argon2_threads, infra.config().auth.argon2_queue};
  AuthService auth;
  TenantService tenants;
  AccountService accounts;
  ClusterService cluster;  // several nodes on one PostgreSQL; started by the app after RestoreAll
  HealthMonitor health;  // started by the app once accounts are restored
  NotificationService notifications;
  FileRegistry files;
  MediaSpool spool;
  MediaFetcher fetcher;  // "media": {"url": ...}
  DownloadService downloads;
  EventService events;
  GapRecovery gap_recovery;
  WatchService watch;
  WebhookService webhooks;
  BotService bots;
  RelayService relay;
  LoginService logins;
  OutboxService outbox;
  PoolService pools;
  DialogService dialogs;
  MessageService messages;
  RateLimiter logins_per_tenant;  // POST /v1/logins
  std::unique_ptr<store::Store::Listening> events_elsewhere;  // several nodes: others' events
  std::unique_ptr<store::Store::Listening> sends_elsewhere;   // several nodes: sends others wrote for us
  std::unique_ptr<store::Store::Listening> bots_elsewhere;    // several nodes: bots others changed
  static constexpr const char* kSendsChannel = "tgmux_sends";
  static constexpr const char* kBotsChannel = "tgmux_bots";
};

}  // namespace tgmux::service
