-- Usernames and numbers share one namespace: a name that is an account's number cannot be another
-- account's username (`show 111` must name one account). The checks in shared/ say it first, with
-- the field; these triggers hold it against races and any other writer.
CREATE FUNCTION sipops_username_not_a_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM virtual_numbers WHERE number = NEW.username AND account_id <> NEW.id) THEN
    RAISE EXCEPTION 'username % is the number of another account', NEW.username
      USING ERRCODE = 'unique_violation', CONSTRAINT = 'accounts_username_not_a_number';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER accounts_username_not_a_number BEFORE INSERT OR UPDATE OF username ON accounts
  FOR EACH ROW EXECUTE FUNCTION sipops_username_not_a_number();
--> statement-breakpoint
CREATE FUNCTION sipops_number_not_a_username() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM accounts WHERE username = NEW.number AND id <> NEW.account_id) THEN
    RAISE EXCEPTION 'number % is the username of another account', NEW.number
      USING ERRCODE = 'unique_violation', CONSTRAINT = 'virtual_numbers_number_not_a_username';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER virtual_numbers_number_not_a_username BEFORE INSERT OR UPDATE OF number ON virtual_numbers
  FOR EACH ROW EXECUTE FUNCTION sipops_number_not_a_username();
