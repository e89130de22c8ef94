// probe.cc — the bulk watcher probe behind include/rbdwho/probe.h. C++ only
// because librados' C API has no list-watchers op: one ObjectReadOperation
// per header object, sent with aio_operate, a bounded window in flight.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <condition_variable>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <rados/librados.hpp>

#include "rbdwho/probe.h"
extern "C" {
#include "rbdwho/util.h"
}

namespace {

struct probe_run;

// One op in flight. Slots are recycled, so the window costs no allocation
// beyond the op itself.
struct probe_slot {
	probe_run *run = nullptr;
	size_t index = 0;
	std::unique_ptr<librados::ObjectReadOperation> op;
	std::list<obj_watch_t> watchers;
	int prval = 0;
	librados::AioCompletion *completion = nullptr;
};

// Completions land on librados' finisher thread; they only queue the slot, so
// that results reach the caller on its own thread, one at a time.
struct probe_run {
	std::mutex lock;
	std::condition_variable cv;
	std::vector<probe_slot *> done;
};

void probe_on_complete(librados::completion_t, void *arg)
{
	probe_slot *s = static_cast<probe_slot *>(arg);
	{
		std::lock_guard<std::mutex> g(s->run->lock);
		s->run->done.push_back(s);
	}
	s->run->cv.notify_one();
}

bool probe_cancelled(const struct probe_opts *o)
{
	return o->cancel && o->cancel->load();
}

int probe_issue(librados::IoCtx &io, probe_slot *s, const struct ceph_image_ref *img)
{
	char *oid = probe_header_oid(img);
	std::string name(oid);
	free(oid);
	s->watchers.clear();
	s->prval = 0;
	s->op.reset(new librados::ObjectReadOperation());
	s->op->list_watchers(&s->watchers, &s->prval);
	s->completion = librados::Rados::aio_create_completion(s, probe_on_complete);
	int rc = io.aio_operate(name, s->completion, s->op.get(), nullptr);
	if (rc < 0) {
		s->completion->release();
		s->completion = nullptr;
	}
	return rc;
}

struct ceph_watcher *probe_copy_watchers(const std::list<obj_watch_t> &l)
{
	struct ceph_watcher *v = static_cast<struct ceph_watcher *>(
		xcalloc(l.empty() ? 1 : l.size(), sizeof(struct ceph_watcher)));
	size_t i = 0;
	for (const obj_watch_t &w : l) {
		v[i].address = xstrdup(w.addr);
		v[i].client = (uint64_t)w.watcher_id;
		v[i].cookie = w.cookie;
		i++;
	}
	return v;
}

// Hands one finished (or failed-to-issue) op to the caller.
void probe_deliver(const char *pool, const struct ceph_image_ref *images, size_t index, int rc,
		   const std::list<obj_watch_t> *l, const struct probe_opts *o)
{
	struct probe_result r = {};
	r.index = index;
	r.image = &images[index];
	r.rc = rc;
	char *msg = nullptr;
	if (rc == 0 && l && !l->empty()) {
		r.watchers = probe_copy_watchers(*l);
		r.nwatchers = l->size();
	} else if (rc < 0 && rc != -ENOENT) {
		msg = rc == -ETIMEDOUT
			      ? xasprintf("cannot list the watchers of '%s/%s': timed out", pool,
					  images[index].name)
			      : xasprintf("cannot list the watchers of '%s/%s': %s", pool,
					  images[index].name, strerror(-rc));
		r.msg = msg;
	}
	o->result(&r, o->user);
	ceph_watchers_free(r.watchers, r.nwatchers);
	free(msg);
}

int probe_finish(probe_slot *s)
{
	int rc = s->completion->get_return_value();
	if (rc >= 0)
		rc = s->prval < 0 ? s->prval : 0;
	s->completion->release();
	s->completion = nullptr;
	s->op.reset();
	return rc;
}

// The window: keep up to in_flight ops outstanding, deliver as they land.
void probe_loop(librados::IoCtx &io, const char *pool, const struct ceph_image_ref *images,
		size_t n, const struct probe_opts *o)
{
	size_t window = o->in_flight > 0 ? (size_t)o->in_flight : PROBE_DEFAULT_IN_FLIGHT;
	probe_run run;
	std::vector<probe_slot> slots(window < n ? window : (n ? n : 1));
	std::vector<probe_slot *> free_slots, batch;
	for (probe_slot &s : slots) {
		s.run = &run;
		free_slots.push_back(&s);
	}
	size_t next = 0, in_flight = 0;
	for (;;) {
		while (next < n && !free_slots.empty() && !probe_cancelled(o)) {
			probe_slot *s = free_slots.back();
			s->index = next++;
			int rc = probe_issue(io, s, &images[s->index]);
			if (rc < 0) {
				probe_deliver(pool, images, s->index, rc, nullptr, o);
				continue;
			}
			free_slots.pop_back();
			in_flight++;
		}
		if (in_flight == 0)
			break;
		{
			std::unique_lock<std::mutex> g(run.lock);
			run.cv.wait(g, [&run] { return !run.done.empty(); });
			batch.swap(run.done);
		}
		for (probe_slot *s : batch) {
			int rc = probe_finish(s);
			probe_deliver(pool, images, s->index, rc, &s->watchers, o);
			free_slots.push_back(s);
			in_flight--;
		}
		batch.clear();
	}
}

} // namespace

extern "C" char *probe_header_oid(const struct ceph_image_ref *image)
{
	if (str_empty(image->id))  // old format (v1): the header is <name>.rbd
		return xasprintf("%s.rbd", image->name);
	return xasprintf("rbd_header.%s", image->id);
}

extern "C" int probe_watchers(struct ceph_conn *c, const char *pool,
			      const struct ceph_image_ref *images, size_t n,
			      const struct probe_opts *opts, struct rw_error *err)
{
	rados_ioctx_t cio;
	int rc = rados_ioctx_create((rados_t)ceph_rados_handle(c), pool, &cio);
	if (rc == -ENOENT)
		return rw_error_set(err, -ENOENT, "pool '%s' does not exist", pool);
	if (rc < 0)
		return rw_error_set(err, rc == -EACCES || rc == -EPERM ? -EACCES : -EIO,
				    "cannot open pool '%s': %s", pool, strerror(-rc));
	try {
		librados::IoCtx io;
		librados::IoCtx::from_rados_ioctx_t(cio, io);  // takes its own reference
		probe_loop(io, pool, images, n, opts);
	} catch (const std::exception &e) {
		rc = rw_error_set(err, -EIO, "watcher probe of pool '%s' failed: %s", pool,
				  e.what());
	}
	rados_ioctx_destroy(cio);
	return rc < 0 ? rc : 0;
}
