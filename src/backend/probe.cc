// probe.cc — the bulk watcher probe behind include/rbdwho/probe.h. C++ only
// because librados' C API has no list-watchers op: one ObjectReadOperation
// per header object, sent with aio_operate, a bounded window in flight.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <condition_variable>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <rados/librados.hpp>
#include <rbd/librbd.h>

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
	bool page_done = false;  // the lister's page read has landed
};

// The images to probe: a caller's fixed array, or the ones listed so far.
struct probe_source {
	const struct ceph_image_ref *fixed = nullptr;
	size_t nfixed = 0;
	std::vector<struct ceph_image_ref> listed;  // strings owned (xstrdup)
	size_t size() const { return fixed ? nfixed : listed.size(); }
	const struct ceph_image_ref *at(size_t i) const { return fixed ? &fixed[i] : &listed[i]; }
	~probe_source()
	{
		for (struct ceph_image_ref &r : listed) {
			free(r.name);
			free(r.id);
		}
	}
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
void probe_deliver(const char *pool, const struct ceph_image_ref *image, size_t index, int rc,
		   const std::list<obj_watch_t> *l, const struct probe_opts *o)
{
	struct probe_result r = {};
	r.index = index;
	r.image = image;
	r.rc = rc;
	char *msg = nullptr;
	if (rc == 0 && l && !l->empty()) {
		r.watchers = probe_copy_watchers(*l);
		r.nwatchers = l->size();
	} else if (rc < 0 && rc != -ENOENT) {
		msg = rc == -ETIMEDOUT
			      ? xasprintf("cannot list the watchers of '%s/%s': timed out", pool,
					  image->name)
			      : xasprintf("cannot list the watchers of '%s/%s': %s", pool,
					  image->name, strerror(-rc));
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

// ---- the listing, read while the probe runs -------------------------------
//
// rbd_list2 reads the whole rbd_directory (1,024 names a round trip) before it
// returns, so a probe fed by it starts only after the last page. Here the
// directory is read page by page with asynchronous omap reads, one page in
// flight beside the probe ops, and each page's images are probed as soon as it
// lands. The set is rbd_list2's: format 2 images (the directory's "name_<image>"
// omap keys, whose values are the ids), format 1 images (the same object's tmap
// data, read with the first page) and images being removed (trash entries
// whose source is REMOVING, read while the first page is on its way).

const char *const PROBE_DIR_OID = "rbd_directory";
const char *const PROBE_DIR_PREFIX = "name_";
// The first page is small so that probing starts at once; the OSD caps a page
// at osd_max_omap_entries_per_request and says "more" when it does.
const uint64_t PROBE_FIRST_PAGE = 256, PROBE_PAGE = 4096;

struct probe_lister {
	probe_run *run = nullptr;
	std::string last;  // the omap key to continue after
	bool first = true, more = true, busy = false, trash_done = false;
	int rc = 0;        // < 0: the listing failed (err says why)
	std::unique_ptr<librados::ObjectReadOperation> op;
	std::map<std::string, librados::bufferlist> vals;
	librados::bufferlist v1;
	int vals_rval = 0, v1_rval = 0;
	bool page_more = false;
	librados::AioCompletion *completion = nullptr;
};

void probe_on_page(librados::completion_t, void *arg)
{
	probe_lister *l = static_cast<probe_lister *>(arg);
	{
		std::lock_guard<std::mutex> g(l->run->lock);
		l->run->page_done = true;
	}
	l->run->cv.notify_one();
}

int probe_page_issue(librados::IoCtx &io, probe_lister *l)
{
	l->vals.clear();
	l->v1.clear();
	l->vals_rval = l->v1_rval = 0;
	l->page_more = false;
	l->op.reset(new librados::ObjectReadOperation());
	if (l->first)  // format 1 images: a tmap in the object's data
		l->op->read(0, 0, &l->v1, &l->v1_rval);
	l->op->omap_get_vals2(l->last, PROBE_DIR_PREFIX, l->first ? PROBE_FIRST_PAGE : PROBE_PAGE,
			      &l->vals, &l->page_more, &l->vals_rval);
	l->completion = librados::Rados::aio_create_completion(l, probe_on_page);
	int rc = io.aio_operate(PROBE_DIR_OID, l->completion, l->op.get(), nullptr);
	if (rc < 0) {
		l->completion->release();
		l->completion = nullptr;
		return rc;
	}
	l->busy = true;
	return 0;
}

// Little-endian u32-length-prefixed string at *off of len bytes, as Ceph
// encodes a std::string or a bufferlist; false when it runs past the end.
bool probe_decode_str(const char *p, size_t len, size_t *off, std::string *out)
{
	if (len - *off < 4)
		return false;
	const unsigned char *u = reinterpret_cast<const unsigned char *>(p + *off);
	uint32_t n = (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
	*off += 4;
	if (len - *off < n)
		return false;
	if (out)
		out->assign(p + *off, n);
	*off += n;
	return true;
}

void probe_source_add(probe_source *src, const std::string &name, const std::string &id)
{
	struct ceph_image_ref r;
	r.name = xstrdup(name.c_str());
	r.id = xstrdup(id.c_str());
	src->listed.push_back(r);
}

// The format 1 directory: a tmap, i.e. a header (bufferlist) and then a map of
// image name → (empty) bufferlist.
bool probe_decode_v1(librados::bufferlist &bl, probe_source *src)
{
	if (bl.length() == 0)
		return true;
	const char *p = bl.c_str();
	size_t len = bl.length(), off = 0;
	if (!probe_decode_str(p, len, &off, nullptr) || len - off < 4)
		return false;
	const unsigned char *u = reinterpret_cast<const unsigned char *>(p + off);
	uint32_t n = (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
	off += 4;
	std::string name;
	for (uint32_t i = 0; i < n; i++) {
		if (!probe_decode_str(p, len, &off, &name) || !probe_decode_str(p, len, &off, nullptr))
			return false;
		probe_source_add(src, name, "");
	}
	return true;
}

// Takes a landed page into src; the next page continues after its last key.
int probe_page_take(probe_lister *l, probe_source *src)
{
	int rc = l->completion->get_return_value();
	l->completion->release();
	l->completion = nullptr;
	l->op.reset();
	l->busy = false;
	if (rc >= 0 && l->vals_rval < 0)
		rc = l->vals_rval;
	if (rc >= 0 && l->first && l->v1_rval < 0)
		rc = l->v1_rval;
	if (rc < 0)
		return rc;
	if (l->first && !probe_decode_v1(l->v1, src))
		return -EBADMSG;
	l->first = false;
	for (auto &kv : l->vals) {
		std::string id;
		size_t off = 0;
		if (!probe_decode_str(kv.second.c_str(), kv.second.length(), &off, &id))
			return -EBADMSG;
		probe_source_add(src, kv.first.substr(strlen(PROBE_DIR_PREFIX)), id);
	}
	if (!l->vals.empty())
		l->last = l->vals.rbegin()->first;
	l->more = l->page_more && !l->vals.empty();
	return 0;
}

// Images whose removal has begun sit in the trash as REMOVING; rbd_list2 lists
// them, and a holder can still watch one. One (synchronous) call, at the end.
int probe_trash_take(rados_ioctx_t cio, probe_source *src)
{
	size_t max = 16;
	std::vector<rbd_trash_image_info_t> v;
	int rc;
	for (;;) {
		v.resize(max);
		size_t got = max;
		rc = rbd_trash_list(cio, v.data(), &got);
		if (rc == -ERANGE && got > max) {
			max = got + 16;
			continue;
		}
		if (rc < 0)
			return rc == -ENOENT ? 0 : rc;
		max = got;
		break;
	}
	for (size_t i = 0; i < max; i++)
		if (v[i].source == RBD_TRASH_IMAGE_SOURCE_REMOVING)
			probe_source_add(src, v[i].name, v[i].id);
	rbd_trash_list_cleanup(v.data(), max);
	return 0;
}

// ---- the window ------------------------------------------------------------

struct probe_ctx {
	librados::IoCtx *io;
	rados_ioctx_t cio;
	const char *pool;
	const struct probe_opts *o;
	probe_source *src;
	probe_lister *lister;  // nullptr: a fixed set
};

// New images listed: the listed() count, or l->rc when the listing failed.
void probe_list_done(probe_ctx *c, size_t before, int rc)
{
	if (rc < 0)
		c->lister->rc = rc;
	else if (c->o->listed && c->src->size() > before)
		c->o->listed(c->src->size() - before, c->o->user);
}

// A landed page: its images to probe.
void probe_list_page(probe_ctx *c)
{
	probe_lister *l = c->lister;
	size_t before = c->src->size();
	int rc = probe_page_take(l, c->src);
	if (rc == -ENOENT && l->first) {  // no rbd_directory: no image was ever made
		rc = 0;
		l->first = l->more = false;
	}
	probe_list_done(c, before, rc);
}

// The trash's REMOVING images, read once (synchronously) while the first page
// read is on its way, so that its round trip is not added to the scan's.
void probe_list_trash(probe_ctx *c)
{
	size_t before = c->src->size();
	c->lister->trash_done = true;
	probe_list_done(c, before, probe_trash_take(c->cio, c->src));
}

// Keeps up to in_flight probe ops (and one page read) outstanding, delivers
// results as they land, and takes pages as they land.
void probe_loop(probe_ctx *c)
{
	const struct probe_opts *o = c->o;
	probe_lister *l = c->lister;
	size_t window = o->in_flight > 0 ? (size_t)o->in_flight : PROBE_DEFAULT_IN_FLIGHT;
	size_t n = c->src->size();
	probe_run run;
	std::vector<probe_slot> slots(l || window < n ? window : (n ? n : 1));
	std::vector<probe_slot *> free_slots, batch;
	for (probe_slot &s : slots) {
		s.run = &run;
		free_slots.push_back(&s);
	}
	if (l)
		l->run = &run;
	size_t next = 0, in_flight = 0;
	for (;;) {
		// After a listing failure no page is asked for, but the images already
		// listed are still probed; the loop ends once nothing is in flight.
		if (l && l->rc == 0 && !probe_cancelled(o)) {
			if (!l->busy && l->more)
				l->rc = probe_page_issue(*c->io, l);
			if (l->rc == 0 && !l->trash_done)
				probe_list_trash(c);
		}
		while (next < c->src->size() && !free_slots.empty() && !probe_cancelled(o)) {
			probe_slot *s = free_slots.back();
			s->index = next++;
			int rc = probe_issue(*c->io, s, c->src->at(s->index));
			if (rc < 0) {
				probe_deliver(c->pool, c->src->at(s->index), s->index, rc, nullptr, o);
				continue;
			}
			free_slots.pop_back();
			in_flight++;
		}
		if (in_flight == 0 && !(l && l->busy))
			break;
		bool page = false;
		{
			std::unique_lock<std::mutex> g(run.lock);
			run.cv.wait(g, [&run] { return !run.done.empty() || run.page_done; });
			batch.swap(run.done);
			page = run.page_done;
			run.page_done = false;
		}
		if (page)
			probe_list_page(c);
		for (probe_slot *s : batch) {
			int rc = probe_finish(s);
			probe_deliver(c->pool, c->src->at(s->index), s->index, rc, &s->watchers, o);
			free_slots.push_back(s);
			in_flight--;
		}
		batch.clear();
	}
	if (l)  // the loop ends with no page read (and no probe op) in flight
		l->run = nullptr;
}

int probe_open(struct ceph_conn *c, const char *pool, rados_ioctx_t *cio, struct rw_error *err)
{
	int rc = rados_ioctx_create((rados_t)ceph_rados_handle(c), pool, cio);
	if (rc == -ENOENT)
		return rw_error_set(err, -ENOENT, "pool '%s' does not exist", pool);
	if (rc < 0)
		return rw_error_set(err, rc == -EACCES || rc == -EPERM ? -EACCES : -EIO,
				    "cannot open pool '%s': %s", pool, strerror(-rc));
	return 0;
}

// Runs the loop on a pool; exceptions from librados' C++ API become -EIO.
int probe_run_pool(struct ceph_conn *c, const char *pool, probe_source *src, probe_lister *l,
		   const struct probe_opts *opts, struct rw_error *err)
{
	rados_ioctx_t cio;
	int rc = probe_open(c, pool, &cio, err);
	if (rc < 0)
		return rc;
	if (!str_empty(opts->nspace))  // headers and directory live in the image's namespace
		rados_ioctx_set_namespace(cio, opts->nspace);
	try {
		librados::IoCtx io;
		librados::IoCtx::from_rados_ioctx_t(cio, io);  // takes its own reference
		probe_ctx ctx = {&io, cio, pool, opts, src, l};
		probe_loop(&ctx);
	} catch (const std::exception &e) {
		rc = rw_error_set(err, -EIO, "watcher probe of pool '%s' failed: %s", pool,
				  e.what());
	}
	rados_ioctx_destroy(cio);
	return rc;
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
	probe_source src;
	src.fixed = images;
	src.nfixed = n;
	int rc = probe_run_pool(c, pool, &src, nullptr, opts, err);
	return rc < 0 ? rc : 0;
}

extern "C" int probe_pool(struct ceph_conn *c, const char *pool, const struct probe_opts *opts,
			  struct rw_error *err)
{
	probe_source src;
	probe_lister l;
	int rc = probe_run_pool(c, pool, &src, &l, opts, err);
	if (rc < 0)
		return rc;
	if (l.rc == -ETIMEDOUT)
		return rw_error_set(err, -ETIMEDOUT, "cannot list the images of pool '%s': timed out",
				    pool);
	if (l.rc == -EACCES || l.rc == -EPERM)
		return rw_error_set(err, -EACCES, "cannot list the images of pool '%s': permission denied",
				    pool);
	if (l.rc < 0)
		return rw_error_set(err, -EIO, "cannot list the images of pool '%s': %s", pool,
				    l.rc == -EBADMSG ? "unexpected rbd_directory format" : strerror(-l.rc));
	if (src.size() == 0) {
		// librados lists a deleted pool as empty while our osdmap may still
		// have it (as ceph_list_images does): fetch the latest map and look again
		rados_t cl = (rados_t)ceph_rados_handle(c);
		if (rados_wait_for_latest_osdmap(cl) == 0 && rados_pool_lookup(cl, pool) == -ENOENT)
			return rw_error_set(err, -ENOENT, "pool '%s' does not exist (deleted?)", pool);
	}
	return 0;
}
