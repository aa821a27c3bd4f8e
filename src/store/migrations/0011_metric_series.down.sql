drop index shadow_ledger_created;
