/** Commands that are not everyday words: one in command position is enough. */
export const distinctiveCommands: ReadonlySet<string> = new Set(
  (
    'whoami ifconfig ipconfig uname netstat nslookup wget curl bash zsh ksh csh tcsh sh dash powershell pwsh cmd ' +
    'systeminfo tasklist taskkill certutil bitsadmin wmic mshta rundll32 regsvr32 nc ncat netcat nmap xterm visudo ' +
    'crontab useradd usermod passwd chmod chown chgrp python python2 python3 perl ruby php lua node busybox telnet ' +
    'tftp getent hostname printenv sudo lsof iptables nohup xargs base64 xxd hexdump socat openssl gcc dmesg ' +
    'traceroute tracert schtasks vssadmin wevtutil icacls cacls findstr nbtstat ls pwd uptime ' +
    'sysinfo ver net1 arp route scp rsync sftp ssh ftp wscript cscript reg nc.exe cmd.exe powershell.exe whoami.exe ' +
    'netsh strace ltrace zstdcat zcat gunzip bunzip2 htop lastlog aptitude apt-get yum dnf bsdtar irb bcdboot bcdedit ' +
    'cscli rmt ansible c89 c99 iwr iwmi wsl diskpart sqlcmd psexec mimikatz msiexec expect gdb regedit trap'
  ).split(' '),
);

/** Tool families whose commands share a prefix (`ansible-vault`, `chef-shell`, `aa-disable`). */
export const commandPrefixes = /^(?:ansible|chef|rmt|aa|knife|kube|docker|systemd|apt|dpkg|rpm|pip|npm|gem)-/;

/** Windows `net` subcommands: `net user x /add`, `net view`. */
export const netSubcommands: ReadonlySet<string> = new Set(
  'view user localgroup share use start stop group accounts session config time file print'.split(' '),
);

/** Windows `reg` subcommands. */
export const regSubcommands: ReadonlySet<string> = new Set('add delete query export import save load copy compare'.split(' '));

/** Tool names that also occur in everyday or technical prose ("node is down", "python class"): they need shell-shaped arguments. */
export const everydayToolNames: ReadonlySet<string> = new Set(
  'curl node python python2 python3 ruby perl php ssh ftp sftp scp route expect reg ver sh dash lua sudo nc cmd gcc arp make id net1 cc host trap'.split(' '),
);

/** Commands that are also English words: they count only with an argument that looks like shell. */
export const commonCommands: ReadonlySet<string> = new Set(
  (
    'id cat echo type ping head tail more less sort find kill sleep time set dir cd cp mv rm mkdir rmdir touch grep ' +
    'awk sed cut tr wc which who date env export exec eval su ps net sc start call copy del move ren print timeout ' +
    'shutdown reboot at source read tee uniq diff file stat df du free top last mail open zip tar gzip unzip ' +
    'comm nl od rev fold split strings install ln chattr wall write halt init kill pkill killall crontab dig host whois ' +
    'systemctl service mount umount locate whereis useradd'
  ).split(' '),
);
