// Routes that hash a password (sign-in, registration) run that part on the
// hashing pool (service/auth/hashing_pool.h), never on the workers that serve
// every other route.
#pragma once

#include <functional>

#include "api/http.h"
#include "service/auth/hashing_pool.h"

namespace tgmux::api {

// Runs `work` on `pool` and answers with what it returns, or the problem of
// what it throws (as Router::Dispatch would); when the pool is full, answers
// 429 flood_wait with Retry-After at once and `work` never runs. `work` must
// own what it uses: the request is gone by the time it runs.
void OnHashingPool(service::HashingPool& pool, const Request& request, const Reply& reply,
                   std::function<Response()> work);

}  // namespace tgmux::api
