namespace ChainTrace.Clustering;

internal sealed partial class ClusterRun
{
    private sealed record UnionOutcome(bool Relinked, long RefusedCount, List<RefusedLink> Refused, int BytesPerAddress);

    private UnionOutcome UpdateClusters(IClusterBatch batch)
    {
        if (!_full && !_retracted && _meta!.RefusedLinks == 0)
        {
            if (_changedStars.Count == 0) return new UnionOutcome(false, 0, [], 0);
            var overlay = new Overlay(this);
            if (overlay.TryApply(batch)) return new UnionOutcome(false, 0, [], 0);
        }
        return Relink(batch);
    }

    /// <summary>The pairs a star merges: anchor with each member, or (deposit stars kept apart from their deposit address) the members among themselves.</summary>
    private void ForEachPair(LinkHeuristic heuristic, uint anchor, IReadOnlyList<ClusterLink> star, Func<uint, uint, ClusterLink, bool> union)
    {
        if (star.Count == 0) return;
        if (heuristic == LinkHeuristic.DepositReuse && !_o.Deposit.LinkDepositAddressToCustomer)
        {
            for (int i = 1; i < star.Count; i++) if (!union(star[0].Member, star[i].Member, star[i])) return;
            return;
        }
        foreach (var l in star) if (!union(anchor, l.Member, l)) return;
    }

    /// <summary>Every link after this run's changes, in (heuristic, anchor, member) order.</summary>
    private List<ClusterLink> AllLinks()
    {
        if (_full) return _puts;
        var gone = new HashSet<(LinkHeuristic, uint, uint)>();
        foreach (var l in _deletes) gone.Add((l.Heuristic, l.Anchor, l.Member));
        foreach (var l in _puts) gone.Add((l.Heuristic, l.Anchor, l.Member));
        var all = new List<ClusterLink>();
        foreach (var l in _store.ScanLinks()) if (!gone.Contains((l.Heuristic, l.Anchor, l.Member))) all.Add(l);
        all.AddRange(_puts);
        all.Sort(ClusterLink.CompareKey);
        return all;
    }

    /// <summary>Rebuilds every cluster from the links: union-find over dense ids, service guard, materialisation.</summary>
    private UnionOutcome Relink(IClusterBatch batch)
    {
        var links = AllLinks();
        Report("union", 0, links.Count);
        var uf = new UnionFind((int)_n + 1);
        var service = new Dictionary<uint, string>();
        foreach (var (id, name) in _labels.ServiceNames) if (id <= _n) service[id] = name;
        var refused = new List<RefusedLink>();
        long refusedCount = 0;

        bool Union(uint x, uint y, ClusterLink link)
        {
            uint rx = uf.Find(x), ry = uf.Find(y);
            if (rx == ry) return true;
            bool hx = service.TryGetValue(rx, out var sx), hy = service.TryGetValue(ry, out var sy);
            if (hx && hy && !ClusterEntities.SameEntity(sx!, sy!))
            {
                refusedCount++;
                if (refused.Count < _o.MaxReported) refused.Add(new RefusedLink(link, sx!, sy!));
                return true;
            }
            uint r = uf.LinkRoots(rx, ry);
            if (hx || hy)
            {
                service.Remove(rx);
                service.Remove(ry);
                service[r] = hx ? sx! : sy!;
            }
            return true;
        }

        int start = 0;
        for (int i = 1; i <= links.Count; i++)
        {
            if (i < links.Count && links[i].Heuristic == links[start].Heuristic && links[i].Anchor == links[start].Anchor) continue;
            var star = links.GetRange(start, i - start);
            ForEachPair(star[0].Heuristic, star[0].Anchor, star, Union);
            start = i;
            if ((i & 0xFFFF) == 0) { _ct.ThrowIfCancellationRequested(); Report("union", i, links.Count); }
        }

        uf.Materialise();
        var map = uf.ClusterMap;
        if (!_full) batch.ClearClusters();
        var sizes = new uint[_n + 1];
        for (uint i = 1; i <= _n; i++) sizes[map[i]]++;
        for (uint i = 1; i <= _n; i++)
        {
            uint c = map[i];
            if (sizes[c] < 2) continue;
            batch.SetCluster(i, c);
            batch.PutMember(c, i);
        }
        var labels = new Dictionary<uint, List<ClusterLabel>>();
        foreach (uint id in _labels.Ids)
        {
            if (id > _n) continue;
            uint c = map[id];
            if (sizes[c] < 2) continue;
            if (!labels.TryGetValue(c, out var list)) labels[c] = list = [];
            list.AddRange(_labels.Get(id));
        }
        _tally.ClearClusters();
        for (uint c = 1; c <= _n; c++)
        {
            if (map[c] != c || sizes[c] < 2) continue;
            var l = labels.TryGetValue(c, out var list) ? ClusterEntities.Normalise(list) : [];
            batch.PutHeader(c, new ClusterHeader(sizes[c], l));
            _tally.Add(c, sizes[c], l, _o);
        }
        Report("union", links.Count, links.Count);
        return new UnionOutcome(true, refusedCount, refused, UnionFind.BytesPerElement);
    }

    /// <summary>
    /// Incremental union: merges the clusters the new links join, reading and rewriting only those clusters.
    /// The merged cluster keeps the smaller id; the other cluster's members are relabelled. Gives up (and the
    /// run relinks everything) when the service guard would refuse a link, so results never depend on the path taken.
    /// </summary>
    private sealed class Overlay(ClusterRun run)
    {
        private readonly Dictionary<uint, uint> _clusterOf = [];
        private readonly Dictionary<uint, (uint Size, IReadOnlyList<ClusterLabel> Labels, bool Stored)> _info = [];
        private readonly Dictionary<uint, List<uint>> _added = [];
        private readonly HashSet<uint> _gone = [];
        private readonly HashSet<uint> _touched = [];

        private uint ClusterOf(uint x) => _clusterOf.TryGetValue(x, out var c) ? c : run._store.GetClusterId(x);

        private (uint Size, IReadOnlyList<ClusterLabel> Labels, bool Stored) Info(uint c)
        {
            if (_info.TryGetValue(c, out var info)) return info;
            var header = run._store.GetHeader(c);
            info = header is null ? (1u, run._labels.Get(c), false) : (header.Size, header.Labels, true);
            _info[c] = info;
            return info;
        }

        private bool Merge(uint x, uint y, ClusterLink link)
        {
            uint cx = ClusterOf(x), cy = ClusterOf(y);
            if (cx == cy) return true;
            var ix = Info(cx);
            var iy = Info(cy);
            var sx = ClusterEntities.ServiceName(ix.Labels, run._o.ServiceCategories);
            var sy = ClusterEntities.ServiceName(iy.Labels, run._o.ServiceCategories);
            if (sx is not null && sy is not null && !ClusterEntities.SameEntity(sx, sy)) return false;
            uint keep = Math.Min(cx, cy), gone = Math.Max(cx, cy);
            var ig = gone == cx ? ix : iy;
            var ik = keep == cx ? ix : iy;
            if (!_added.TryGetValue(keep, out var moved)) _added[keep] = moved = [];
            if (ig.Stored) foreach (uint m in run._store.GetMembers(gone)) { moved.Add(m); _clusterOf[m] = keep; }
            else { moved.Add(gone); _clusterOf[gone] = keep; }
            if (_added.Remove(gone, out var carried)) foreach (uint m in carried) { moved.Add(m); _clusterOf[m] = keep; }
            var merged = (ik.Size + ig.Size, ClusterEntities.Union(ik.Labels, ig.Labels), ik.Stored);
            _info[keep] = merged;
            run._tally.Remove(keep, ik.Size);
            run._tally.Remove(gone, ig.Size);
            run._tally.Add(keep, merged.Item1, merged.Item2, run._o);
            _info[gone] = (0, [], ig.Stored);
            _gone.Add(gone);
            _touched.Remove(gone);
            _touched.Add(keep);
            return true;
        }

        public bool TryApply(IClusterBatch batch)
        {
            foreach (var (h, anchor, star) in run._changedStars)
            {
                bool ok = true;
                run.ForEachPair(h, anchor, star, (x, y, l) => ok = Merge(x, y, l));
                if (!ok) return false;
            }
            foreach (uint gone in _gone)
            {
                if (!_info[gone].Stored) continue;
                batch.DeleteHeader(gone);
                foreach (uint m in run._store.GetMembers(gone)) batch.DeleteMember(gone, m);
            }
            foreach (uint c in _touched)
            {
                var info = _info[c];
                if (!info.Stored)
                {
                    batch.SetCluster(c, c);
                    batch.PutMember(c, c);
                }
                foreach (uint m in _added[c])
                {
                    batch.SetCluster(m, c);
                    batch.PutMember(c, m);
                }
                batch.PutHeader(c, new ClusterHeader(info.Size, ClusterEntities.Normalise(info.Labels)));
            }
            return true;
        }
    }
}
