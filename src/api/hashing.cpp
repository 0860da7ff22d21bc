#include "api/hashing.h"

#include "api/router.h"

namespace tgmux::api {

void OnHashingPool(service::HashingPool& pool, const Request& request, const Reply& reply,
                   std::function<Response()> work) {
  bool accepted = pool.TrySubmit([reply, work = std::move(work), id = request.request_id,
                                  what = request.method + " " + request.path, path = request.path] {
    try {
      reply(work());
    } catch (...) {
      reply(ProblemForException(std::current_exception(), id, what, path));
    }
  });
  if (!accepted) {
    const int wait = service::HashingPool::kRetryAfterSeconds;
    reply.Fail(Error(ErrorCode::kFloodWait,
                     "too many sign-ins and registrations at once; retry in " + std::to_string(wait) + " s", wait),
               request.path);
  }
}

}  // namespace tgmux::api
