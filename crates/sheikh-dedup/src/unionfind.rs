//! Union-find (disjoint sets) over dense indices, with path halving and the smaller
//! index as root, so every cluster's root is its first member in input order.

/// Disjoint sets over `0..n`.
#[derive(Debug, Clone, Default)]
pub struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    /// `n` singletons.
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.parent.len()
    }

    /// True when there are no elements.
    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    /// The root of `x`'s set: its smallest member.
    pub fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] as usize != x {
            let grand = self.parent[self.parent[x] as usize];
            self.parent[x] = grand;
            x = grand as usize;
        }
        x
    }

    /// Merges the sets of `a` and `b`; returns false when they were already one.
    pub fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[hi] = lo as u32;
        true
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.parent.capacity() * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_smallest_member() {
        let mut uf = UnionFind::new(6);
        assert!(uf.union(4, 5));
        assert!(uf.union(5, 2));
        assert!(!uf.union(4, 2));
        assert!(uf.union(1, 3));
        assert_eq!(uf.find(5), 2);
        assert_eq!(uf.find(3), 1);
        assert_eq!(uf.find(0), 0);
        assert_eq!(uf.len(), 6);
    }
}
