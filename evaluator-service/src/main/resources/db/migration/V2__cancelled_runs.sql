-- DELETE /runs/{id} cancels a run: its events are dropped by every stage from then on
alter table runs drop constraint runs_status_check;
alter table runs add constraint runs_status_check
    check (status in ('CREATED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'));
