-- Sets the screenshots' copy of the demo database (never the demo itself) back to the morning before the
-- demo's last run, with automatic sending off, so that Run Follow-ups Now has follow-ups to preview and
-- leaves them to validate. Sent follow-ups cannot be deleted through Odoo, hence SQL, in a throwaway copy.
-- What the run did is taken back: its follow-ups with their lines and messages, the level and date it wrote
-- on the invoices (set back from the follow-ups that remain) and its notes in their chatter, the numbers it drew.
BEGIN;

CREATE TEMP TABLE last_run AS
    SELECT id, name FROM account_dunning_action WHERE date = (SELECT max(date) FROM account_dunning_action);
CREATE TEMP TABLE last_run_moves AS
    SELECT DISTINCT rel.move_id AS id
      FROM account_dunning_action_account_move_rel rel
     WHERE rel.action_id IN (SELECT id FROM last_run);
CREATE TEMP TABLE last_run_messages AS
    SELECT id FROM mail_message
     WHERE (model = 'account.dunning.action' AND res_id IN (SELECT id FROM last_run))
        OR (model = 'account.move' AND res_id IN (SELECT id FROM last_run_moves)
            AND EXISTS (SELECT 1 FROM last_run WHERE mail_message.body LIKE '%' || last_run.name || '%'));

DELETE FROM sms_sms WHERE mail_message_id IN (SELECT id FROM last_run_messages);
DELETE FROM mail_message WHERE id IN (SELECT id FROM last_run_messages);
DELETE FROM mail_activity WHERE res_model = 'account.dunning.action' AND res_id IN (SELECT id FROM last_run);
DELETE FROM mail_followers WHERE res_model = 'account.dunning.action' AND res_id IN (SELECT id FROM last_run);
DELETE FROM account_dunning_action WHERE id IN (SELECT id FROM last_run);

-- each invoice gets back the level and date of its latest follow-up sent before
UPDATE account_move move
   SET dunning_level_id = previous.level_id, dunning_last_date = previous.date
  FROM last_run_moves
  LEFT JOIN LATERAL (
        SELECT action.level_id, action.date
          FROM account_dunning_action action
          JOIN account_dunning_action_account_move_rel rel ON rel.action_id = action.id
         WHERE rel.move_id = last_run_moves.id AND action.state = 'done'
         ORDER BY action.date DESC, action.id DESC
         LIMIT 1
       ) previous ON TRUE
 WHERE move.id = last_run_moves.id;

-- the follow-up numbers continue from the last one kept
SELECT setval(format('ir_sequence_%s', lpad(sequence.id::text, 3, '0')), kept.number)
  FROM ir_sequence sequence,
       (SELECT max(substring(name FROM '(\d+)$')::int) AS number FROM account_dunning_action) kept
 WHERE sequence.code = 'account.dunning.action' AND sequence.implementation = 'standard' AND kept.number > 0;

UPDATE res_company SET dunning_send_enabled = false;

COMMIT;
