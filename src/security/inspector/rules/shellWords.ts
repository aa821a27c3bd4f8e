/** Commands that are not everyday words: one in command position is enough. */
export const distinctiveCommands: ReadonlySet<string> = new Set(
  (
    'whoami ifconfig ipconfig uname netstat nslookup wget curl bash zsh ksh csh tcsh sh dash powershell pwsh cmd ' +
    'systeminfo tasklist taskkill certutil bitsadmin wmic mshta rundll32 regsvr32 nc ncat netcat nmap xterm visudo ' +
    'crontab useradd usermod passwd chmod chown chgrp python python2 python3 perl ruby php lua node busybox telnet ' +
    'tftp getent hostname printenv sudo lsof iptables nohup xargs base64 xxd hexdump socat openssl gcc dmesg ' +
    'traceroute tracert schtasks vssadmin wevtutil icacls cacls findstr nbtstat ls pwd uptime ' +
    'sysinfo ver net1 arp route scp rsync sftp ssh ftp wscript cscript reg nc.exe cmd.exe powershell.exe whoami.exe'
  ).split(' '),
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
