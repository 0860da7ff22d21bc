// Empties a cache (anything with Invalidate(), e.g. GenerationCache) when the
// scope that changes what it caches ends, whether the change returned or
// threw: a write whose answer was lost (the store went away after its commit)
// may still have happened, and a cache must never outlive it.
#pragma once

namespace tgmux {

template <class Cache>
class InvalidateOnExit {
 public:
  explicit InvalidateOnExit(Cache& cache) : cache_(cache) {}
  ~InvalidateOnExit() { cache_.Invalidate(); }
  InvalidateOnExit(const InvalidateOnExit&) = delete;
  InvalidateOnExit& operator=(const InvalidateOnExit&) = delete;

 private:
  Cache& cache_;
};

}  // namespace tgmux
