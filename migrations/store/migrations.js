import journal from './meta/_journal.json';
import m0000 from './0000_init.sql';
import m0001 from './0001_contact_search.sql';
import m0002 from './0002_message_media.sql';
import m0003 from './0003_voice_platforms.sql';
import m0004 from './0004_webhooks.sql';
import m0005 from './0005_consent.sql';
import m0006 from './0006_blocked_numbers.sql';
import m0007 from './0007_delivery_receipts.sql';
import m0008 from './0008_erasures.sql';
import m0009 from './0009_imports.sql';
import m0010 from './0010_saved_views.sql';
import m0011 from './0011_bulk_jobs.sql';
import m0012 from './0012_list_filters.sql';
import m0013 from './0013_never_contacted_count.sql';
import m0014 from './0014_keeping_data_right.sql';
import m0015 from './0015_duplicate_pairs.sql';
import m0016 from './0016_phone_display_forms.sql';
import m0017 from './0017_do_not_contact_count.sql';

  export default {
    journal,
    migrations: {
      m0000,
m0001,
m0002,
m0003,
m0004,
m0005,
m0006,
m0007,
m0008,
m0009,
m0010,
m0011,
m0012,
m0013,
m0014,
m0015,
m0016,
m0017
    }
  }
  