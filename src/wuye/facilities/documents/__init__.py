"""Files of facilities: the register's Excel export, the QR label sheet of the equipment and the
printed 《设施设备运行记录表》 of a day."""
