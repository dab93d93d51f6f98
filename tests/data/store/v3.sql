-- A version-3 wirecopy database (before stories), made by wirecopy at commit ed9aae6
-- from tests/data/store/v3.jsonl: `wirecopy ingest v3.jsonl` then `sqlite3 .dump`.
-- test_store_stories and test_store load it to check the forward migrations.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO meta VALUES('fingerprint','v1;k=3;perm=128;lead=30;lperm=32;minw=8;b=32;r=4;lb=16;lr=2;t=0.35;c=0.5;lc=0.3;ts=0.6');
CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  doc_key TEXT NOT NULL,          -- origin id, else URL, else path#offset
  key_hash INTEGER NOT NULL,      -- xxh3-64 of doc_key (indexed)
  content_hash BLOB NOT NULL,     -- xxh3-128 of the normalised text
  source TEXT NOT NULL,           -- warc | dir | jsonl | feed | page
  origin TEXT,                    -- file path or feed URL
  origin_offset INTEGER,          -- byte offset of the record in origin
  origin_line INTEGER,            -- line of the record in origin
  origin_id TEXT,                 -- the input's own id
  feed_id INTEGER,
  url TEXT,
  canonical_url TEXT,
  fetched_at INTEGER,             -- seconds since 1970 UTC
  published_at INTEGER,
  modified_at INTEGER,
  title TEXT,
  author TEXT,
  site TEXT,
  lang TEXT,
  description TEXT,
  image TEXT,
  text TEXT NOT NULL,
  word_count INTEGER NOT NULL,
  cluster_id INTEGER NOT NULL,
  match_kind INTEGER NOT NULL,    -- 0 founded its cluster, 1 exact copy, 2 near copy
  match_similarity REAL,          -- similarity to the document it matched on arrival
  similarity REAL,                -- similarity to its cluster's representative
  added_at INTEGER NOT NULL
);
INSERT INTO documents VALUES(1,'id:alpha-1',8150401633298236297,X'146e35e0c6965f647101d3716887a2c1','jsonl','/tmp/qp/v3.jsonl',NULL,1,'alpha-1',NULL,'https://alpha.example/1',NULL,NULL,1709287200,NULL,'Council passes the harbour budget',NULL,'alpha.example',NULL,NULL,NULL,replace('The city council passed the harbour budget on Friday after a long debate about dredging, ferries and the old fish market.\n\nThe vote was seven to two.','\n',char(10)),27,1,0,1.0,1.0,1796622530);
INSERT INTO documents VALUES(2,'id:beta-1',-5938469702695523528,X'146e35e0c6965f647101d3716887a2c1','jsonl','/tmp/qp/v3.jsonl',323,2,'beta-1',NULL,'https://beta.example/1',NULL,NULL,1709294400,NULL,'Harbour budget passes',NULL,'beta.example',NULL,NULL,NULL,replace('The city council passed the harbour budget on Friday after a long debate about dredging, ferries and the old fish market.\n\nThe vote was seven to two.','\n',char(10)),27,1,1,1.0,1.0,1796622530);
INSERT INTO documents VALUES(3,'id:gamma-1',-6990040285812629823,X'cfddd2e9fa2eaf4d13d81a6da5474e27','jsonl','/tmp/qp/v3.jsonl',631,3,'gamma-1',NULL,'https://gamma.example/1',NULL,NULL,1709366400,NULL,'Ferry operator warns of cuts',NULL,'gamma.example',NULL,NULL,NULL,'The ferry operator warned on Saturday that the new harbour budget leaves no room for the winter timetable, and that two routes may close.',24,3,0,1.0,1.0,1796622530);
INSERT INTO documents VALUES(4,'id:alpha-2',7439816935738328448,X'cfddd2e9fa2eaf4d13d81a6da5474e27','jsonl','/tmp/qp/v3.jsonl',935,4,'alpha-2',NULL,'https://alpha.example/2',NULL,NULL,1709370000,NULL,'Ferry routes may close',NULL,'alpha.example',NULL,NULL,NULL,'The ferry operator warned on Saturday that the new harbour budget leaves no room for the winter timetable, and that two routes may close.',24,3,1,1.0,1.0,1796622530);
INSERT INTO documents VALUES(5,'id:undated-1',-5733151393980851638,X'8a980e4cc12605d007680e09332e83f8','jsonl','/tmp/qp/v3.jsonl',1233,5,'undated-1',NULL,NULL,NULL,NULL,NULL,NULL,'A bake sale',NULL,NULL,NULL,NULL,NULL,'The school held a bake sale and raised money for a new piano.',13,5,0,1.0,1.0,1796622530);
CREATE TABLE signatures (
  doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
  fprint BLOB NOT NULL            -- packed fingerprint: MinHash signature(s), counts
);
INSERT INTO signatures VALUES(1,X'574346500200800020000000ebb8356c1b0000001300000013000000146e35e0c6965f647101d3716887a2c1ad7f0ec2f2836eb8165f25c9a5e262991123f9f56093e482f96b9fa69d0adf43dc5e601259b1fcece41a8d83d5eafbf845df50af6d8d9fdc22706a698e2a516a6fcc6f70a03a8875c10959e0ded29c338815955671afebb4e4f4e0b52614e8ff09e9828befd5c6e01b08808765f7487d21f8f8821f3f550a0555f406701da3eddfebaf3600fcba7474d6969fdb055ff454fe818723e2e5487ff87a601696c140d90d6ea633e8ba1d1069e36a1e9ae62b6fb62c7a3946f504f48832f6588c5879e1dc0d180fc18a19f6203bf9570096141da3a66d2db549658ef4651dc5b92b2b07a66225ef253d0282ca82cb0d43bf41f13997a7a667e7ac8458d8978eac1390ad7f0ec2f2836eb8165f25c9a5e262991123f9f56093e482f96b9fa69d0adf43dc5e601259b1fcece41a8d83d5eafbf845df50af6d8d9fdc22706a698e2a516a6d158ec9');
INSERT INTO signatures VALUES(2,X'574346500200800020000000ebb8356c1b0000001300000013000000146e35e0c6965f647101d3716887a2c1ad7f0ec2f2836eb8165f25c9a5e262991123f9f56093e482f96b9fa69d0adf43dc5e601259b1fcece41a8d83d5eafbf845df50af6d8d9fdc22706a698e2a516a6fcc6f70a03a8875c10959e0ded29c338815955671afebb4e4f4e0b52614e8ff09e9828befd5c6e01b08808765f7487d21f8f8821f3f550a0555f406701da3eddfebaf3600fcba7474d6969fdb055ff454fe818723e2e5487ff87a601696c140d90d6ea633e8ba1d1069e36a1e9ae62b6fb62c7a3946f504f48832f6588c5879e1dc0d180fc18a19f6203bf9570096141da3a66d2db549658ef4651dc5b92b2b07a66225ef253d0282ca82cb0d43bf41f13997a7a667e7ac8458d8978eac1390ad7f0ec2f2836eb8165f25c9a5e262991123f9f56093e482f96b9fa69d0adf43dc5e601259b1fcece41a8d83d5eafbf845df50af6d8d9fdc22706a698e2a516a6d158ec9');
INSERT INTO signatures VALUES(3,X'574346500200800020000000ebb8356c180000001600000016000000cfddd2e9fa2eaf4d13d81a6da5474e274989e3c8dee7f8d88e09769ef559863194a784511674d4054f94d7eb26e7eb82db3db478d9090b4477cb980d0566042c7ed8a397c720ac20fe970aa50b72c33dc028529a48242b44f5e7e62423d11c7169f72a1ce31b6f4c63b3ec831d8d53cfcedf171f5107aad6195b14ba88a82e72767d2bfc6c49a1c0a5cf2bc20c2ee5bd1c4a6d7b9b8591148cb3d48702e2b247a8475fce6bee65c8b1bd362724215b06b2e5d4bc78acc6a82ad30db5c4ee80734ae693be1f5be80ebed50e820ebae2b86257946f920ff5b51612f1d47afe7e20720251027c71094fb95d023a3c8de1005d1c6baedbb08ba7dc79347e20abc1419afa1b2e0a35069b41aca09dde19de9a4989e3c8dee7f8d88e09769ef559863194a784511674d4054f94d7eb26e7eb82db3db478d9090b4477cb980d0566042c7ed8a397c720ac20fe970aa50b72c33d37e52e5d');
INSERT INTO signatures VALUES(4,X'574346500200800020000000ebb8356c180000001600000016000000cfddd2e9fa2eaf4d13d81a6da5474e274989e3c8dee7f8d88e09769ef559863194a784511674d4054f94d7eb26e7eb82db3db478d9090b4477cb980d0566042c7ed8a397c720ac20fe970aa50b72c33dc028529a48242b44f5e7e62423d11c7169f72a1ce31b6f4c63b3ec831d8d53cfcedf171f5107aad6195b14ba88a82e72767d2bfc6c49a1c0a5cf2bc20c2ee5bd1c4a6d7b9b8591148cb3d48702e2b247a8475fce6bee65c8b1bd362724215b06b2e5d4bc78acc6a82ad30db5c4ee80734ae693be1f5be80ebed50e820ebae2b86257946f920ff5b51612f1d47afe7e20720251027c71094fb95d023a3c8de1005d1c6baedbb08ba7dc79347e20abc1419afa1b2e0a35069b41aca09dde19de9a4989e3c8dee7f8d88e09769ef559863194a784511674d4054f94d7eb26e7eb82db3db478d9090b4477cb980d0566042c7ed8a397c720ac20fe970aa50b72c33d37e52e5d');
INSERT INTO signatures VALUES(5,X'574346500200800020000000ebb8356c0d0000000b0000000b0000008a980e4cc12605d007680e09332e83f8f36c0e0427b52ef4045ba53ee39bf099db937d56b04e0a7a06552eab1eb509abae8108c645b5ea5edc2d023c51fd71486af44925c6380eeb19d7506a493ceab138f1fa84bc89c16a1b577c4399944c4072f68af71699f69288fb9a36c04593d2de762d9e5430138a62313bb34f63bd42a98a35467614f14c042bd2faafc454e40ac0813e026a17ff9a8fe015a88bafd1f1bdd5b2594730c36c0e6017fa097fe4b7e35b98c72edadad9d48bd4a95d31d649abf521618d465cd25d0fa2c7d0a3cbcc7c3fa2f98025ff9f0e95e0f10db54ff0069b73a1b4ee9fee68f39cc17014cddc29d4fceccc32197f6c063c72376e28e76de9014c5912875ef83b48644dc527f36c0e0427b52ef4045ba53ee39bf099db937d56b04e0a7a06552eab1eb509abae8108c645b5ea5edc2d023c51fd71486af44925c6380eeb19d7506a493ceab1650482d2');
CREATE TABLE clusters (
  id INTEGER PRIMARY KEY,         -- id of the document that founded it
  rep_id INTEGER NOT NULL,        -- earliest member: the likely original
  size INTEGER NOT NULL,
  first_seen INTEGER,
  last_seen INTEGER
);
INSERT INTO clusters VALUES(1,1,2,1709287200,1709294400);
INSERT INTO clusters VALUES(3,3,2,1709366400,1709370000);
INSERT INTO clusters VALUES(5,5,1,NULL,NULL);
CREATE TABLE feeds (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL UNIQUE,       -- current URL (updated by permanent redirects)
  title TEXT,
  site_url TEXT,
  list_origin TEXT,               -- the list file it came from, if any
  etag TEXT,
  last_modified TEXT,
  last_fetch_at INTEGER,
  last_success_at INTEGER,
  next_fetch_at INTEGER,
  interval_s INTEGER,             -- learned polling interval
  error_count INTEGER NOT NULL DEFAULT 0,
  last_status INTEGER,            -- HTTP status of the last fetch (0 = no answer)
  last_error TEXT,
  state TEXT NOT NULL DEFAULT 'active', -- active | retired
  fetch_pages INTEGER,            -- 1 entries are teasers: fetch article pages
  added_at INTEGER NOT NULL
);
CREATE TABLE feed_entries (
  feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
  entry_key TEXT NOT NULL,        -- entry id, else link
  link TEXT,
  doc_id INTEGER,
  first_seen INTEGER NOT NULL,
  state TEXT,                     -- stored | failed | skipped
  PRIMARY KEY (feed_id, entry_key)
) WITHOUT ROWID;
CREATE INDEX documents_key ON documents(key_hash);
CREATE INDEX documents_cluster ON documents(cluster_id);
CREATE INDEX clusters_size ON clusters(size);
CREATE VIEW cluster_members AS
  SELECT d.cluster_id, d.id AS doc_id, coalesce(d.origin_id, d.url, d.id) AS member,
         d.url, d.site, d.title, datetime(d.published_at, 'unixepoch') AS published,
         datetime(d.fetched_at, 'unixepoch') AS fetched, d.similarity,
         d.id = c.rep_id AS is_original, d.source, d.origin
  FROM documents d JOIN clusters c ON c.id = d.cluster_id;
CREATE VIEW cluster_list AS
  SELECT c.id, c.size, d.title, datetime(c.first_seen, 'unixepoch') AS first_seen,
         datetime(c.last_seen, 'unixepoch') AS last_seen, c.rep_id, d.url AS original_url
  FROM clusters c JOIN documents d ON d.id = c.rep_id;
CREATE INDEX documents_id_cluster ON documents(id, cluster_id);
COMMIT;
PRAGMA user_version = 3;
